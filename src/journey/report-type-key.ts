/**
 * How a `reportType` inArgument names its report mode: any case, spaces, dashes and underscores
 * ignored ("URL tracking" is "urlTracking"). A pure module: the Reports UI runs it too (served by
 * web/browser-modules.ts), so a saved activity reopens on the mode execute would answer.
 */
export function reportTypeKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]/g, '');
}
