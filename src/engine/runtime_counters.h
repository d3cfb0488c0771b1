#pragma once
// What the runtime (sockets, demultiplexing) received, dropped or failed to send, next to the
// engine's own EngineCounters. Drop and count: a bad datagram never stops the loop.
#include <cstdint>

namespace vpngw::engine {

struct RuntimeCounters {
  uint64_t datagrams_received = 0;  // every UDP datagram read from a socket
  uint64_t nat_keepalives = 0;      // RFC 3948 §2.3 one-byte 0xff keepalives (ignored)
  uint64_t dropped_short = 0;       // port 4500 datagrams too short to classify
  uint64_t dropped_truncated = 0;   // larger than the receive buffer
  uint64_t esp_received = 0;        // ESP-in-UDP handed to the ESP sink
  uint64_t esp_dropped = 0;         // ESP the sink could not handle (no data plane yet)
  uint64_t send_errors = 0;         // sendmsg failed (buffer full, unreachable, ...)
  uint64_t send_no_socket = 0;      // the engine named a local endpoint we do not own
  uint64_t control_requests = 0;    // control socket requests answered
  uint64_t control_rejected = 0;    // refused: too many connections, too large, malformed
};

}  // namespace vpngw::engine
