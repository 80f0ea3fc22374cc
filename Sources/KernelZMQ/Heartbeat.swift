// The heartbeat channel: a REP socket that echoes every message unchanged.

import Kernel

enum Heartbeat {
    /// Echoes until `stop` is set (checked every 200 ms), then closes the socket.
    static func run(socket: ZMQSocket, stop: StopFlag, log: KernelLog) {
        while !stop.isSet {
            do {
                guard try ZMQSocket.poll([socket], timeoutMilliseconds: 200)[0],
                      let ping = try socket.receive(wait: false) else { continue }
                try socket.send(ping)
            } catch {
                log.problem("heartbeat failed: \(error)")
                break
            }
        }
        socket.close()
    }
}
