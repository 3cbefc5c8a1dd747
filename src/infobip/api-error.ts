export interface Violation {
  property: string;
  violation: string;
}

export interface ApiErrorSummary {
  description: string;
  violations: Violation[];
}

/**
 * Infobip answers errors in two shapes (infobip.md §1.3): the new `ApiError`
 * (`errorCode`, `description`, `violations`) and the legacy `ApiException`
 * (`requestError.serviceException` with `validationErrors`). Both become one summary.
 */
export function summariseApiError(body: unknown, httpStatus: number): ApiErrorSummary {
  const fallback = { description: `HTTP ${httpStatus}`, violations: [] };
  if (typeof body !== 'object' || body === null) return fallback;
  const record = body as Record<string, any>;
  if (typeof record.errorCode === 'string' || typeof record.description === 'string') {
    const violations = Array.isArray(record.violations)
      ? record.violations.filter((v: any) => typeof v?.property === 'string').map((v: any) => ({ property: v.property, violation: String(v.violation ?? '') }))
      : [];
    return { description: [record.errorCode, record.description].filter(Boolean).join(' '), violations };
  }
  const exception = record.requestError?.serviceException;
  if (exception && typeof exception === 'object') {
    const validation = exception.validationErrors && typeof exception.validationErrors === 'object' ? exception.validationErrors : {};
    const violations = Object.entries(validation).flatMap(([property, messages]) =>
      (Array.isArray(messages) ? messages : [messages]).map((m) => ({ property, violation: String(m) })),
    );
    return { description: [exception.messageId, exception.text].filter(Boolean).join(' '), violations };
  }
  return fallback;
}
