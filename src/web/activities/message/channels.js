// The channel forms: one entry per channel, one definition per option of the guide's channel
// section. Field names ARE the inArgument names execute reads (src/channels/<channel>.ts documents
// them), so an option is added here and nowhere else. See shared/form-kit.js for the definition format.
import { whatsappTemplateField } from './whatsapp-template.js';
import { zaloTemplateField } from './zalo-template.js';

const HEADER_NOTE = 'Merge fields: #{Field}. A hashtag is written \\#.';
const opts = (...values) => values.map((v) => (Array.isArray(v) ? v : [v, v]));

const SMS_TEXT = { name: 'text', label: 'Message', type: 'textarea', required: true, merge: true, counter: 'sms', help: HEADER_NOTE };

const SMS = [
  SMS_TEXT,
  { name: 'language', label: 'Language character set', type: 'select', options: opts(['TR', 'Turkish (TR)'], ['ES', 'Spanish (ES)'], ['PT', 'Portuguese (PT)'], ['AUTODETECT', 'Autodetect']) },
  { name: 'turkeyIys.recipientType', label: 'Turkey IYS: recipient type', type: 'select', options: opts('TACIR', 'BIREYSEL'), help: 'Turkey local traffic only; required with a brand code.' },
  { name: 'turkeyIys.brandCode', label: 'Turkey IYS: brand code', type: 'number' },
  { name: 'indiaDlt.principalEntityId', label: 'India DLT: principal entity ID', type: 'text', help: 'India local traffic only; required when any DLT field is set.' },
  { name: 'indiaDlt.contentTemplateId', label: 'India DLT: content template ID', type: 'text' },
  { name: 'indiaDlt.telemarketerId', label: 'India DLT: telemarketer ID', type: 'text' },
];

const LMS = [
  { name: 'title', label: 'Title', type: 'text', merge: true },
  { ...SMS_TEXT, counter: 'lms' },
  { name: 'resellerCode', label: 'Reseller code', type: 'number', required: true, help: 'The 9-digit business registration number (South Korea).' },
];

const MMS_SEGMENT_TYPES = opts(['TEXT', 'Text'], ['IMAGE', 'Image'], ['VIDEO', 'Video'], ['AUDIO', 'Audio'], ['DOCUMENT', 'Document']);
const MMS = [
  { name: 'title', label: 'Title', type: 'text', merge: true },
  {
    name: 'segments', label: 'Segments', type: 'list', itemLabel: 'segment', required: true,
    help: 'All operators handle MMS of up to 300 KB, most US and Canadian carriers up to 1 MB. Send a test message before saving.',
    item: [
      { name: 'type', label: 'Segment type', type: 'select', required: true, options: MMS_SEGMENT_TYPES },
      { name: 'text', label: 'Text', type: 'textarea', merge: true, required: true, when: (v) => v.type === 'TEXT' },
      { name: 'url', label: 'Media URL', type: 'url', required: true, when: (v) => v.type && v.type !== 'TEXT' },
      { name: 'contentType', label: 'Content type', type: 'text', placeholder: 'image/jpeg', when: (v) => v.type && v.type !== 'TEXT', help: 'Optional when the URL ends in a known extension.' },
    ],
  },
];

const RCS_SUGGESTION = [
  { name: 'type', label: 'Type', type: 'select', required: true, options: opts(['REPLY', 'Reply'], ['OPEN_URL', 'Open URL'], ['DIAL_PHONE', 'Dial phone'], ['SHOW_LOCATION', 'Show location'], ['REQUEST_LOCATION', 'Request location'], ['CREATE_CALENDAR_EVENT', 'Calendar event']) },
  { name: 'text', label: 'Text', type: 'text', required: true },
  { name: 'postbackData', label: 'Postback data', type: 'text' },
  { name: 'url', label: 'URL', type: 'url', required: true, when: (v) => v.type === 'OPEN_URL' },
  { name: 'application', label: 'Open in', type: 'select', options: opts('BROWSER', 'WEBVIEW'), when: (v) => v.type === 'OPEN_URL' },
  { name: 'webviewViewMode', label: 'Webview size', type: 'select', options: opts('FULL', 'HALF', 'TALL'), when: (v) => v.type === 'OPEN_URL' && v.application === 'WEBVIEW' },
  { name: 'phoneNumber', label: 'Phone number', type: 'text', required: true, when: (v) => v.type === 'DIAL_PHONE' },
  { name: 'latitude', label: 'Latitude', type: 'text', required: true, when: (v) => v.type === 'SHOW_LOCATION' },
  { name: 'longitude', label: 'Longitude', type: 'text', required: true, when: (v) => v.type === 'SHOW_LOCATION' },
  { name: 'label', label: 'Label', type: 'text', when: (v) => v.type === 'SHOW_LOCATION' },
  { name: 'startTime', label: 'Start (ISO 8601 with offset)', type: 'text', required: true, when: (v) => v.type === 'CREATE_CALENDAR_EVENT' },
  { name: 'endTime', label: 'End (ISO 8601 with offset)', type: 'text', required: true, when: (v) => v.type === 'CREATE_CALENDAR_EVENT' },
  { name: 'title', label: 'Event title', type: 'text', required: true, when: (v) => v.type === 'CREATE_CALENDAR_EVENT' },
  { name: 'description', label: 'Event description', type: 'text', when: (v) => v.type === 'CREATE_CALENDAR_EVENT' },
];
const RCS_CARD = [
  { name: 'title', label: 'Title', type: 'text', merge: true },
  { name: 'description', label: 'Description', type: 'textarea', merge: true },
  { name: 'mediaUrl', label: 'Media URL', type: 'url' },
  { name: 'thumbnailUrl', label: 'Thumbnail URL', type: 'url' },
  { name: 'mediaHeight', label: 'Media height', type: 'select', options: opts('SHORT', 'MEDIUM', 'TALL') },
  { name: 'suggestions', label: 'Card suggestions', type: 'list', itemLabel: 'suggestion', max: 4, item: RCS_SUGGESTION },
];
const RCS = [
  { name: 'messageType', label: 'Content type', type: 'select', required: true, default: 'TEXT', options: opts(['TEXT', 'Text'], ['FILE', 'File'], ['CARD', 'Card'], ['CAROUSEL', 'Carousel']) },
  { name: 'text', label: 'Text', type: 'textarea', merge: true, required: true, when: (v) => (v.messageType ?? 'TEXT') === 'TEXT' },
  { name: 'fileUrl', label: 'File URL', type: 'url', required: true, when: (v) => v.messageType === 'FILE' },
  { name: 'thumbnailUrl', label: 'Thumbnail URL (video files)', type: 'url', when: (v) => v.messageType === 'FILE' },
  { name: 'card', label: 'Card', type: 'object', item: RCS_CARD, when: (v) => v.messageType === 'CARD' },
  { name: 'cardOrientation', label: 'Card orientation', type: 'select', options: opts('VERTICAL', 'HORIZONTAL'), when: (v) => v.messageType === 'CARD' },
  { name: 'cardAlignment', label: 'Image side', type: 'select', options: opts('LEFT', 'RIGHT'), when: (v) => v.messageType === 'CARD' && v.cardOrientation === 'HORIZONTAL' },
  { name: 'cards', label: 'Carousel cards', type: 'list', itemLabel: 'card', max: 10, item: RCS_CARD, when: (v) => v.messageType === 'CAROUSEL', help: '2 to 10 cards.' },
  { name: 'cardWidth', label: 'Card width', type: 'select', options: opts('MEDIUM', 'SMALL'), when: (v) => v.messageType === 'CAROUSEL' },
  { name: 'suggestions', label: 'Message suggestions', type: 'list', itemLabel: 'suggestion', max: 11, item: RCS_SUGGESTION },
];

const VIBER_TYPES = opts(['TEXT', 'Text'], ['TEXT_BUTTON', 'Text + button'], ['IMAGE', 'Image'], ['IMAGE_TEXT', 'Image + text'], ['IMAGE_TEXT_BUTTON', 'Image + text + button'], ['VIDEO', 'Video'], ['VIDEO_TEXT', 'Video + text'], ['VIDEO_TEXT_BUTTON', 'Video + text + button'], ['FILE', 'File']);
const has = (word) => (v) => String(v.messageType ?? 'TEXT').split('_').includes(word);
const VIBER = [
  { name: 'messageType', label: 'Message type', type: 'select', required: true, default: 'TEXT', options: VIBER_TYPES },
  { name: 'text', label: 'Text', type: 'textarea', merge: true, required: true, when: has('TEXT') },
  { name: 'imageUrl', label: 'Image URL (.jpg, .png)', type: 'url', required: true, when: has('IMAGE') },
  { name: 'showImageInFullScreen', label: 'Open the image full screen', type: 'checkbox', when: has('IMAGE') },
  { name: 'videoUrl', label: 'Video URL', type: 'url', required: true, when: has('VIDEO') },
  { name: 'videoDuration', label: 'Video duration (seconds or PT45S)', type: 'text', when: has('VIDEO') },
  { name: 'thumbnailUrl', label: 'Video thumbnail URL', type: 'url', when: has('VIDEO') },
  { name: 'fileUrl', label: 'File URL', type: 'url', required: true, when: has('FILE') },
  { name: 'fileName', label: 'File name', type: 'text', when: has('FILE') },
  { name: 'buttonText', label: 'Button text', type: 'text', required: true, when: has('BUTTON') },
  { name: 'buttonUrl', label: 'Button URL', type: 'url', required: true, when: (v) => has('BUTTON')(v) && !has('VIDEO')(v) },
  { name: 'label', label: 'Message label', type: 'select', options: opts(['PROMOTIONAL', 'Promotional'], ['TRANSACTIONAL', 'Transactional']) },
  { name: 'smsFailoverText', label: 'SMS failover text', type: 'textarea', merge: true, counter: 'sms', help: 'Sent by SMS when Viber cannot deliver.' },
  { name: 'smsFailoverSender', label: 'SMS failover sender', type: 'text' },
];

const KAKAO_BUTTON_TYPES = opts(['APP_LINK', 'App Link'], ['DELIVERY_TRACKING', 'Delivery Tracking'], ['URL', 'Web Link'], ['CHATBOT_SWITCH', 'Chatbot Switch'], ['BOT_KEYWORD', 'Bot Keyword'], ['MESSAGE_DELIVERY', 'Message Delivery'], ['ADD_CHANNEL', 'Add Channel']);
const kakaoButton = (types) => [
  { name: 'type', label: 'Button type', type: 'select', required: true, options: types },
  { name: 'name', label: 'Button name', type: 'text', required: true },
  { name: 'urlMobile', label: 'Mobile URL', type: 'url', required: true, when: (v) => v.type === 'URL' },
  { name: 'urlMobile', label: 'Mobile URL', type: 'url', when: (v) => v.type === 'APP_LINK' },
  { name: 'urlPc', label: 'PC URL', type: 'url', when: (v) => v.type === 'URL' || v.type === 'APP_LINK' },
  { name: 'schemeAndroid', label: 'Android scheme', type: 'text', when: (v) => v.type === 'APP_LINK' },
  { name: 'schemeIos', label: 'iOS scheme', type: 'text', when: (v) => v.type === 'APP_LINK' },
  { name: 'chatExtra', label: 'Chat extra', type: 'text', when: (v) => v.type === 'CHATBOT_SWITCH' },
  { name: 'chatEvent', label: 'Chat event', type: 'text', when: (v) => v.type === 'CHATBOT_SWITCH' },
];
const KAKAO_ALIM = [
  { name: 'templateName', label: 'Template name', type: 'text', required: true, help: 'The template code registered with Kakao; the fields below must match the registered template.' },
  { name: 'title', label: 'Template title', type: 'text', merge: true },
  { name: 'text', label: 'Message body', type: 'textarea', required: true, merge: true },
  { name: 'imageUrl', label: 'Image URL', type: 'url' },
  { name: 'buttons', label: 'Buttons', type: 'list', itemLabel: 'button', max: 5, item: kakaoButton(KAKAO_BUTTON_TYPES) },
];
const KAKAO_CHINGU = [
  { name: 'text', label: 'Text', type: 'textarea', required: true, merge: true },
  { name: 'imageUrl', label: 'Image URL', type: 'url' },
  { name: 'imageLink', label: 'Image link', type: 'url', when: (v) => Boolean(v.imageUrl) },
  { name: 'buttons', label: 'Buttons', type: 'list', itemLabel: 'button', max: 5, item: kakaoButton(opts(['URL', 'Web Link'], ['APP_LINK', 'App Link'])) },
];

/** Channel id (as execute's registry names it) → its form. */
export const channelForms = {
  sms: SMS,
  lms: LMS,
  mms: MMS,
  rcs: RCS,
  viber: VIBER,
  whatsapp: [whatsappTemplateField],
  'kakao-alim': KAKAO_ALIM,
  'kakao-chingu': KAKAO_CHINGU,
  zalo: [zaloTemplateField],
};
