import Fastify, { type FastifyInstance } from 'fastify';
import { trustProxyOption } from './app.setup.js';

/** The client address the API throttles and audits by, as Fastify derives it under TRUST_PROXY. */
function appTrusting(trust: Parameters<typeof trustProxyOption>[0]): FastifyInstance {
  const app = Fastify({ trustProxy: trustProxyOption(trust) });
  app.get('/', (request) => ({ ip: request.ip }));
  return app;
}

async function clientIp(app: FastifyInstance, remoteAddress: string, forwardedFor?: string): Promise<string> {
  const res = await app.inject({ method: 'GET', url: '/', remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
  return (res.json() as { ip: string }).ip;
}

describe('TRUST_PROXY', () => {
  it('takes X-Forwarded-For only from a listed proxy address or range', async () => {
    const one = appTrusting(['10.0.0.1']);
    expect(await clientIp(one, '10.0.0.1', '198.18.0.7')).toBe('198.18.0.7');
    expect(await clientIp(one, '10.0.0.2', '198.18.0.7')).toBe('10.0.0.2');
    expect(await clientIp(appTrusting(['10.0.0.0/8']), '10.9.8.7', '198.18.0.7')).toBe('198.18.0.7');
    expect(await clientIp(appTrusting(['127.0.0.1']), '::ffff:127.0.0.1', '198.18.0.7')).toBe('198.18.0.7');
  });

  it('walks back through trusted hops only, giving the same answer every time an address comes back', async () => {
    const app = appTrusting(['10.0.0.1', '10.0.0.2']);
    for (let round = 0; round < 3; round += 1) {
      expect(await clientIp(app, '10.0.0.1', '203.0.113.9, 198.18.0.7, 10.0.0.2')).toBe('198.18.0.7');
      expect(await clientIp(app, '10.0.0.1', '198.18.0.7, 10.0.0.2, 10.0.0.1')).toBe('198.18.0.7');
      expect(await clientIp(app, '10.0.0.3', '10.0.0.2')).toBe('10.0.0.3');
      expect(await clientIp(app, '198.18.0.7', '10.0.0.1')).toBe('198.18.0.7');
    }
  });

  it('counts hops when given a number, and ignores the header when off', async () => {
    expect(await clientIp(appTrusting(1), '10.0.0.5', '203.0.113.9, 198.18.0.7')).toBe('198.18.0.7');
    expect(await clientIp(appTrusting(2), '10.0.0.5', '203.0.113.9, 198.18.0.7')).toBe('203.0.113.9');
    expect(await clientIp(appTrusting(false), '10.0.0.5', '198.18.0.7')).toBe('10.0.0.5');
  });
});
