import pino, { type Logger } from 'pino';

/**
 * JSON logs on stdout. Credentials never reach them: authorization headers and every field we
 * know to hold a secret are censored wherever they appear.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.apiKey',
          '*.clientSecret',
          '*.client_secret',
          '*.jwtSigningSecret',
          '*.webhookToken',
          '*.access_token',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
