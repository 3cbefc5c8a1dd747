// What the activity UI's live counters use, straight from the modules execute uses: SMS encoding
// and segments (text/sms-encoding.ts) and the Korean LMS byte count (channels/lms.ts).
export { smsInfo, worstCaseSegments } from '../../text/sms-encoding.ts';
export { LMS_MAX_BYTES, lmsBytes } from '../../channels/lms.ts';
