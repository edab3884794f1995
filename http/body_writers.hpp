#pragma once
// Writing a response whose body is not in memory, after its head: file
// segments with sendfile(2), or a stream of chunks. (A string body is one
// write of head and body, done by the connection loop itself.)
// Each returns false when the connection cannot go on (peer gone, too slow,
// a file shorter than announced, a stream that failed mid-way).
#include "http/connection.hpp"

#include <string_view>

namespace keel {

// The head goes out with MSG_MORE so it shares a packet with the file's
// first bytes; the file ranges with sendfile, literal segments as they are.
awaitable<bool> write_file_response(Conn& conn, std::string_view head, const FileBody& body, bool send_body,
                                    Clock::duration timeout, std::string_view path);

// The chunks as they come, chunked (HTTP/1.1) or as they are, the end of
// the connection ending the body (HTTP/1.0).
awaitable<bool> write_stream_response(Conn& conn, std::string_view head, StreamBody& body, bool chunked, bool send_body,
                                      Clock::duration timeout, std::string_view path);

}  // namespace keel
