/** Benchmark target: a bare node:http server that reads each request's body and answers 200. Listens on PORT. */
import { createServer } from 'node:http';

createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end());
}).listen(Number(process.env.PORT), '127.0.0.1');
