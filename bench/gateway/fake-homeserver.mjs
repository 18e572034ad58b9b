// A homeserver stand-in that answers at once, to measure the gateway's own overhead without
// Synapse's noise: POST .../login hands out a fixed access token; everything else answers a small
// whoami-like JSON body. usage: node bench/gateway/fake-homeserver.mjs PORT
import { createServer } from "node:http";

const port = Number(process.argv[2] || 18099);
const whoami = JSON.stringify({ user_id: "@bench:localhost", is_guest: false, device_id: "BENCHDEV" });
const login = JSON.stringify({ user_id: "@bench:localhost", access_token: "syt_fake_real_token", device_id: "BENCHDEV", home_server: "localhost" });
createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const body = req.method === "POST" && req.url.endsWith("/login") ? login : whoami;
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
}).listen(port, "127.0.0.1", () => console.log(`fake homeserver on ${port}`));
