// The connection file a Jupyter client writes before starting the kernel.

import Foundation
import Support

/// One of the kernel's five sockets.
public enum Channel: String, Sendable, CaseIterable {
    case shell, iopub, stdin, control, heartbeat = "hb"
}

/// Where and how the kernel listens: parsed from the JSON connection file
/// (`{transport, ip, shell_port, iopub_port, stdin_port, control_port, hb_port,
/// signature_scheme, key}`).
public struct ConnectionInfo: Sendable, Equatable {
    /// `tcp` (address `tcp://ip:port`) or `ipc` (address `ipc://ip-port`).
    public enum Transport: String, Sendable {
        case tcp, ipc
    }

    public var transport: Transport
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var heartbeatPort: Int
    /// `hmac-sha256` (the default) or `hmac-sha512`.
    public var signatureScheme: String
    /// The HMAC key (its UTF-8 bytes are used); empty means messages are not signed.
    public var key: String

    public init(
        transport: Transport = .tcp, ip: String = "127.0.0.1", shellPort: Int, iopubPort: Int,
        stdinPort: Int, controlPort: Int, heartbeatPort: Int,
        signatureScheme: String = "hmac-sha256", key: String
    ) {
        self.transport = transport
        self.ip = ip
        self.shellPort = shellPort
        self.iopubPort = iopubPort
        self.stdinPort = stdinPort
        self.controlPort = controlPort
        self.heartbeatPort = heartbeatPort
        self.signatureScheme = signatureScheme
        self.key = key
    }

    /// Reads and parses a connection file.
    public init(contentsOf path: String) throws(KernelError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .connectionFile("cannot read connection file '\(path)': \(error.localizedDescription)")
        }
        try self.init(json: Array(data))
    }

    /// Parses connection-file JSON; every missing or mistyped field is named in the error.
    public init(json: [UInt8]) throws(KernelError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: json)
        } catch {
            throw .connectionFile("connection file is not valid JSON (\(error))")
        }
        guard let object = value.objectValue else {
            throw .connectionFile("connection file must hold a JSON object")
        }

        func port(_ name: String) throws(KernelError) -> Int {
            guard let field = object[name] else { throw .connectionFile("connection file lacks '\(name)'") }
            guard let port = field.intValue, (0...65_535).contains(port) else {
                throw .connectionFile("'\(name)' must be a port number from 0 to 65535, got \(field.text)")
            }
            return port
        }

        func string(_ name: String, default fallback: String?) throws(KernelError) -> String {
            guard let field = object[name] else {
                if let fallback { return fallback }
                throw .connectionFile("connection file lacks '\(name)'")
            }
            guard let text = field.stringValue else {
                throw .connectionFile("'\(name)' must be a string, got \(field.text)")
            }
            return text
        }

        let transportName = try string("transport", default: "tcp")
        guard let transport = Transport(rawValue: transportName) else {
            throw .connectionFile("transport must be 'tcp' or 'ipc', got '\(transportName)'")
        }
        let ip = try string("ip", default: "127.0.0.1")
        guard !ip.isEmpty else { throw .connectionFile("'ip' must not be empty") }
        let scheme = try string("signature_scheme", default: "hmac-sha256")
        guard Signer.supportedSchemes.contains(scheme) else {
            throw .connectionFile(
                "signature_scheme '\(scheme)' is not supported (use one of: "
                    + Signer.supportedSchemes.joined(separator: ", ") + ")")
        }
        self.init(
            transport: transport, ip: ip,
            shellPort: try port("shell_port"), iopubPort: try port("iopub_port"),
            stdinPort: try port("stdin_port"), controlPort: try port("control_port"),
            heartbeatPort: try port("hb_port"),
            signatureScheme: scheme, key: try string("key", default: ""))
    }

    /// The port of a channel.
    public func port(for channel: Channel) -> Int {
        switch channel {
        case .shell: shellPort
        case .iopub: iopubPort
        case .stdin: stdinPort
        case .control: controlPort
        case .heartbeat: heartbeatPort
        }
    }

    /// The ZeroMQ endpoint to bind for a channel: `tcp://ip:port` or `ipc://ip-port`.
    public func endpoint(for channel: Channel) -> String {
        switch transport {
        case .tcp: "tcp://\(ip):\(port(for: channel))"
        case .ipc: "ipc://\(ip)-\(port(for: channel))"
        }
    }

    /// The signer for this connection's key and scheme.
    public func makeSigner() -> Signer {
        Signer(key: Array(key.utf8), scheme: signatureScheme)
    }
}
