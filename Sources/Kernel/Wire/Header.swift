// Message headers: ids, session, timestamps and the protocol version.

import Foundation
import Support

/// A message header. Outgoing headers stamp protocol `version` "5.4" (what jupyter_client
/// sends; 5.2+ matters for schema validation) and an ISO-8601 UTC `date` with microseconds.
public struct Header: Sendable, Equatable {
    /// The protocol version stamped on outgoing headers.
    public static let protocolVersion = "5.4"

    public var msgID: String
    public var session: String
    public var username: String
    public var date: String
    public var msgType: String
    public var version: String
    /// Fields a client sent that we do not model (e.g. `subshell_id`); kept so a parent
    /// header copies back unchanged.
    public var extra: [String: JSONValue]

    public init(
        msgID: String = Header.newID(), session: String, username: String = "kernel",
        date: String = Header.now(), msgType: String, version: String = Header.protocolVersion,
        extra: [String: JSONValue] = [:]
    ) {
        self.msgID = msgID
        self.session = session
        self.username = username
        self.date = date
        self.msgType = msgType
        self.version = version
        self.extra = extra
    }

    /// Decodes a received header. `msg_id` and `msg_type` are required; the rest default
    /// to empty strings so a sloppy client is still served.
    public init(json: JSONValue) throws(KernelError) {
        guard var object = json.objectValue else { throw .malformedMessage("header is not a JSON object") }
        guard let msgID = object.removeValue(forKey: "msg_id")?.stringValue else {
            throw .malformedMessage("header lacks a string 'msg_id'")
        }
        guard let msgType = object.removeValue(forKey: "msg_type")?.stringValue else {
            throw .malformedMessage("header lacks a string 'msg_type'")
        }
        self.msgID = msgID
        self.msgType = msgType
        self.session = object.removeValue(forKey: "session")?.stringValue ?? ""
        self.username = object.removeValue(forKey: "username")?.stringValue ?? ""
        self.date = object.removeValue(forKey: "date")?.stringValue ?? ""
        self.version = object.removeValue(forKey: "version")?.stringValue ?? ""
        self.extra = object
    }

    /// The header as a JSON object.
    public var json: JSONValue {
        var object = extra
        object["msg_id"] = .string(msgID)
        object["session"] = .string(session)
        object["username"] = .string(username)
        object["date"] = .string(date)
        object["msg_type"] = .string(msgType)
        object["version"] = .string(version)
        return .object(object)
    }

    /// A fresh message id (a lowercase UUID).
    public static func newID() -> String {
        UUID().uuidString.lowercased()
    }

    /// The current UTC time as ISO 8601 with microseconds, e.g. `2026-11-27T04:38:33.123456Z`.
    public static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let micros = Int(spec.tv_nsec / 1000)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-"
            + pad(Int(parts.tm_mday), 2) + "T" + pad(Int(parts.tm_hour), 2) + ":"
            + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2) + "."
            + pad(micros, 6) + "Z"
    }

    /// The current time in seconds since 1970 (UTC), as `date` fields count it.
    public static func secondsSinceEpoch() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// The moment an ISO 8601 `date` names (`2026-11-27T04:38:33.123456Z`, or with an offset
    /// such as `+00:00` or `-05:00`; seconds and their fraction optional), in seconds since
    /// 1970; nil when it is not such a date.
    public static func secondsSinceEpoch(parsing date: String) -> Double? {
        let bytes = Array(date.utf8)
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + width)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += width
            return value
        }
        func skip(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2),
              skip("T") || skip(" "), let hour = number(2), skip(":"), let minute = number(2) else { return nil }
        var second = 0.0
        if skip(":") {
            guard let whole = number(2) else { return nil }
            second = Double(whole)
            if skip(".") {
                var scale = 0.1
                let start = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    second += Double(bytes[index] - 0x30) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
            }
        }
        var offset = 0
        if skip("Z") || skip("z") {
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2) else { return nil }
            _ = skip(":")
            guard let minutes = number(2) else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard index == bytes.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
              second < 61 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        let seconds = timegm(&parts)
        return Double(seconds - offset) + second
    }
}
