import { certainlyNotSent } from './mail.service.js';

// nodemailer's SMTP errors carry the command that failed and, when the server answered, its code.
describe('a failed mail is "certainly not sent" only when no server can have taken it', () => {
  it.each([
    ['the server could not be reached', { code: 'ECONNECTION', command: 'CONN' }],
    ['authentication was refused', { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 }],
    ['the recipient was refused', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550 }],
    ['the message was refused at the end of DATA', { code: 'EMESSAGE', command: 'DATA', responseCode: 554 }],
  ])('yes when %s', (_case, error) => {
    expect(certainlyNotSent(Object.assign(new Error('smtp'), error))).toBe(true);
  });

  it.each([
    ['the connection was lost during DATA', { code: 'ECONNECTION', command: 'DATA' }],
    ['the reply to DATA timed out', { code: 'ETIMEDOUT', command: 'DATA' }],
    ['nothing says where it failed', {}],
  ])('no when %s (the message may have been delivered)', (_case, error) => {
    expect(certainlyNotSent(Object.assign(new Error('smtp'), error))).toBe(false);
  });
});
