'use strict';
// A flood of slow clients, run as its own process (so its sockets do not count against the
// test's open-file limit): opens `count` connections to 127.0.0.1:`port` from the loopback
// addresses 127.0.0.<first> .. 127.0.0.<first + addresses - 1>, each sending half a request
// header and nothing more, at most `parallel` connecting at once. Tells its parent
// { opened, failed, closedEarly, ms } once every connection is tried, { open } when asked
// ('count'), and closes everything on 'stop'.
const net = require('node:net');

const [port, count, first, addresses, parallel] = process.argv.slice(2).map(Number);
const sockets = new Set();
let opened = 0;
let failed = 0;
let closedEarly = 0;
let done = false;

function openOne(i) {
  return new Promise((resolve) => {
    const socket = net.connect({
      host: '127.0.0.1',
      port,
      localAddress: `127.0.0.${first + (i % addresses)}`,
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      opened += 1;
      sockets.add(socket);
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
      resolve();
    });
    socket.once('close', () => {
      if (!sockets.delete(socket)) failed += 1;
      else if (!done) closedEarly += 1;
      resolve();
    });
  });
}

async function flood() {
  const start = Date.now();
  let next = 0;
  const lane = async () => {
    while (next < count) await openOne(next++);
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  process.send({ opened, failed, closedEarly, ms: Date.now() - start });
}

process.on('message', (message) => {
  if (message === 'count') process.send({ open: sockets.size });
  if (message === 'stop') {
    done = true;
    for (const socket of sockets) socket.destroy();
    process.disconnect();
  }
});

void flood();
