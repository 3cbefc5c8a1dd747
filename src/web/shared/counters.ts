// What the activity UI's live counters use, straight from the modules execute uses: SMS encoding
// and segments (text/sms-encoding.ts) and the Korean LMS byte count (text/lms-bytes.ts, as channels/lms.ts applies it).
export { smsInfo, worstCaseSegments } from '../../text/sms-encoding.ts';
export { LMS_MAX_BYTES, lmsBytes } from '../../text/lms-bytes.ts';
