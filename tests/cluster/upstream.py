#!/usr/bin/python3
"""The market job's upstream for the drills: serves one JSON file on
127.0.0.1 at a free port, and writes the port to PORT_FILE once it listens.

    tests/cluster/upstream.py FILE PORT_FILE
"""

import http.server
import os
import sys


def main():
    path, port_file = sys.argv[1], sys.argv[2]
    body = open(path, "rb").read()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = port_file + ".new"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(tmp, port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
