// Floor of the HTTP stack: bare node:http answering every request with the bytes of a real task-list
// response (BODY_FILE), so the comparison isolates what the framework, auth and database add.
import { readFileSync } from 'node:fs';
import http from 'node:http';

const body = readFileSync(process.env.BODY_FILE);
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length };

http
  .createServer((req, res) => {
    req.resume();
    res.writeHead(200, headers);
    res.end(body);
  })
  .listen(Number(process.env.PORT), '127.0.0.1');

// A clean exit on SIGTERM lets `node --cpu-prof` write its profile when the runner stops us.
process.on('SIGTERM', () => process.exit(0));
