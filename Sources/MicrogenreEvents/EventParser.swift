internal import CZlib
internal import Foundation
import MicrogenreCore

/// Reads viewing events from CSV or JSON Lines.
///
/// CSV: one event per line, columns `user,title,timestamp,event,value`, with an optional header
/// row naming them (in any order; `user_id`, `title_id`, `time`, `seconds` and `rating` are
/// accepted too). Fields may be quoted as in RFC 4180. JSON Lines: one object per line with the
/// same keys. `timestamp` is seconds since 1970 (milliseconds when above 10^11) or an ISO 8601
/// date and time (`2026-03-01T20:15:00Z`). `event` is one of play, complete, abandon, rating,
/// thumb_up, thumb_down; `value` is the seconds watched for play and the rating (0 to 5) for
/// rating. A row that cannot be read is reported with its line and skipped.
public struct EventParser {
    /// The two file formats.
    public enum Format: String, Sendable, CaseIterable {
        case csv, jsonl
    }

    /// A parser.
    public init() {}

    /// The format of `path`: `.jsonl`/`.json`/`.ndjson` are JSON Lines, anything else is CSV
    /// unless the first non-blank character is `{`.
    public static func format(of path: String, bytes: [UInt8]) -> Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return .jsonl }
        if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }), first == 0x7B {
            return .jsonl
        }
        return .csv
    }

    /// Parses `bytes` (named `file` in errors): the good events and one error per bad row.
    public func parse(_ bytes: [UInt8], file: String, format: Format? = nil) -> (
        events: [ViewingEvent], errors: [EventError]
    ) {
        var lines = LineParser(file: file, format: format ?? Self.format(of: file, bytes: bytes))
        var events: [ViewingEvent] = []
        var errors: [EventError] = []
        lines.feed(bytes[...], last: true) { result in
            switch result {
            case .success(let event): events.append(event)
            case .failure(let error): errors.append(error)
            }
        }
        return (events, errors)
    }

    /// Reads the file at `path` (`-`: standard input; plain or gzip-compressed, told by its
    /// first bytes) in 1 MB chunks, calling `body` with each row's event or error in file
    /// order, so memory stays flat however long the file is. Returns the bytes read
    /// (uncompressed).
    @discardableResult
    public func read(
        path: String, format: Format? = nil, _ body: (Result<ViewingEvent, EventError>) throws -> Void
    ) throws -> Int {
        guard let file = path == "-" ? gzdopen(dup(0), "rb") : gzopen(path, "rb") else {
            throw FileSystem.Failure(path: path, reason: String(cString: strerror(errno)))
        }
        defer { gzclose(file) }
        let name = path == "-" ? "<stdin>" : path
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var pending: [UInt8] = []
        var lines: LineParser?
        var total = 0
        var failure: (any Error)?
        while true {
            let count = Int(chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) })
            if count < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
                throw FileSystem.Failure(
                    path: path, reason: code == Z_ERRNO ? String(cString: strerror(errno)) : message)
            }
            total += count
            pending += chunk[0..<count]
            let last = count == 0
            if lines == nil {
                let stripped = path.hasSuffix(".gz") ? String(path.dropLast(3)) : path
                lines = LineParser(file: name, format: format ?? Self.format(of: stripped, bytes: pending))
            }
            // Complete lines only, unless the file has ended.
            var cut = pending.count
            if !last {
                guard let newline = pending.lastIndex(of: 0x0A) else { continue }
                cut = newline + 1
            }
            lines!.feed(pending[0..<cut], last: last) { result in
                guard failure == nil else { return }
                do { try body(result) } catch { failure = error }
            }
            if let failure { throw failure }
            pending.removeFirst(cut)
            if last { break }
        }
        return total
    }

    /// Turns lines into events, remembering the line number and the CSV header between chunks.
    struct LineParser {
        let file: String
        let format: Format
        var columns: [String: Int] = ["user": 0, "title": 1, "timestamp": 2, "event": 3, "value": 4]
        var lineNumber = 0

        init(file: String, format: Format) {
            self.file = file
            self.format = format
        }

        /// Parses the whole lines in `bytes` (and a last line without a newline when `last`).
        mutating func feed(
            _ bytes: ArraySlice<UInt8>, last: Bool, _ body: (Result<ViewingEvent, EventError>) -> Void
        ) {
            var start = bytes.startIndex
            if lineNumber == 0 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
            while start < bytes.endIndex {
                var end = start
                while end < bytes.endIndex && bytes[end] != 0x0A { end += 1 }
                lineNumber += 1
                var lineEnd = end
                if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = bytes[start..<lineEnd]
                start = end + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                if let result = parse(line) { body(result) }
            }
        }

        /// One line's event or error; nil for a CSV header.
        mutating func parse(_ line: ArraySlice<UInt8>) -> Result<ViewingEvent, EventError>? {
            let location = SourceLocation(file: file, line: lineNumber, column: 1)
            guard String(validating: line, as: UTF8.self) != nil else {
                return .failure(EventError(location, "invalid UTF-8"))
            }
            do {
                switch format {
                case .csv:
                    let fields = try EventParser.csvFields(line, location)
                    if lineNumber == 1, let header = EventParser.header(fields) {
                        columns = header
                        return nil
                    }
                    let columns = self.columns
                    func field(_ name: String) -> String? {
                        guard let index = columns[name], index < fields.count else { return nil }
                        return fields[index].isEmpty ? nil : fields[index]
                    }
                    return .success(
                        try EventParser.event(
                            user: field("user"), title: field("title"), timestamp: field("timestamp"),
                            kind: field("event"), value: field("value"), location))
                case .jsonl:
                    let object: Any
                    do {
                        object = try JSONSerialization.jsonObject(with: Data(line), options: [])
                    } catch {
                        throw EventError(location, "not a JSON object")
                    }
                    guard let object = object as? [String: Any] else {
                        throw EventError(location, "not a JSON object")
                    }
                    func field(_ names: String...) -> String? {
                        for name in names {
                            switch object[name] {
                            case let string as String: return string
                            case let number as NSNumber: return number.stringValue
                            default: continue
                            }
                        }
                        return nil
                    }
                    return .success(
                        try EventParser.event(
                            user: field("user", "user_id", "userId"), title: field("title", "title_id", "titleId"),
                            timestamp: field("timestamp", "time", "ts"), kind: field("event", "type"),
                            value: field("value", "seconds", "rating"), location))
                }
            } catch let error as EventError {
                return .failure(error)
            } catch {
                return .failure(EventError(location, "\(error)"))
            }
        }
    }

    /// Column positions from a header row, or nil when the row is data.
    static func header(_ fields: [String]) -> [String: Int]? {
        let aliases: [String: String] = [
            "user": "user", "user_id": "user", "userid": "user",
            "title": "title", "title_id": "title", "titleid": "title", "item": "title",
            "timestamp": "timestamp", "time": "timestamp", "ts": "timestamp",
            "event": "event", "type": "event",
            "value": "value", "seconds": "value", "rating": "value",
        ]
        var columns: [String: Int] = [:]
        for (index, name) in fields.enumerated() {
            if let canonical = aliases[name.lowercased()] {
                columns[canonical] = index
            }
        }
        guard columns["user"] != nil, columns["title"] != nil else { return nil }
        return columns
    }

    /// Splits one CSV line into fields (RFC 4180 quoting, no line breaks inside quotes), each
    /// with ASCII spaces and tabs around it removed.
    static func csvFields(_ line: ArraySlice<UInt8>, _ location: SourceLocation) throws -> [String] {
        var fields: [String] = []
        var current: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        var k = line.startIndex
        func finish() {
            var start = 0
            var end = current.count
            while start < end && (current[start] == 0x20 || current[start] == 0x09) { start += 1 }
            while end > start && (current[end - 1] == 0x20 || current[end - 1] == 0x09) { end -= 1 }
            fields.append(String(decoding: current[start..<end], as: UTF8.self))
            current.removeAll(keepingCapacity: true)
        }
        while k < line.endIndex {
            let byte = line[k]
            k += 1
            if quoted {
                if byte == 0x22 {
                    if k < line.endIndex && line[k] == 0x22 {
                        current.append(0x22)
                        k += 1
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(byte)
                }
            } else if byte == 0x2C {
                finish()
                wasQuoted = false
            } else if byte == 0x22 && !wasQuoted && current.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                current.removeAll(keepingCapacity: true)
                quoted = true
                wasQuoted = true
            } else {
                current.append(byte)
            }
        }
        if quoted {
            throw EventError(
                SourceLocation(file: location.file, line: location.line, column: line.count),
                "unterminated quoted field")
        }
        finish()
        return fields
    }

    static func event(
        user: String?, title: String?, timestamp: String?, kind: String?, value: String?, _ location: SourceLocation
    ) throws -> ViewingEvent {
        guard let user, !user.isEmpty else { throw EventError(location, "missing user id") }
        guard let title, !title.isEmpty else { throw EventError(location, "missing title id") }
        // No store keeps a NUL in text (PostgreSQL refuses it): a row, not the import, fails.
        if user.utf8.contains(0) { throw EventError(location, "the user id contains a NUL character") }
        if title.utf8.contains(0) { throw EventError(location, "the title id contains a NUL character") }
        guard let timestamp else { throw EventError(location, "missing timestamp") }
        guard let seconds = parseTimestamp(timestamp) else {
            throw EventError(location, "timestamp '\(timestamp)' is neither seconds since 1970 nor ISO 8601")
        }
        guard let kindText = kind else { throw EventError(location, "missing event") }
        guard let kind = ViewingEvent.Kind(rawValue: kindText.lowercased()) else {
            let known = ViewingEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw EventError(location, "unknown event '\(kindText)' (expected one of \(known))")
        }
        var number = 0.0
        if kind.needsValue {
            guard let value else {
                throw EventError(location, "\(kind.rawValue) needs a value (\(kind == .play ? "seconds" : "rating"))")
            }
            guard let parsed = Double(value), parsed.isFinite else {
                throw EventError(location, "value '\(value)' is not a number")
            }
            if kind == .rating && !(0...5).contains(parsed) {
                throw EventError(location, "rating \(value) is outside 0 to 5")
            }
            if kind == .play && parsed < 0 { throw EventError(location, "seconds watched \(value) is negative") }
            number = parsed
        }
        return ViewingEvent(user: user, title: TitleID(title), timestamp: seconds, kind: kind, value: number)
    }

    /// The seconds a number may give: the years 0000 to 9999, as ISO 8601's four digits allow.
    /// Beyond them a number is no time but a typo or an attack: a real past Int64 crashed the
    /// conversion, and Int64.min overflowed the age arithmetic of every later load.
    public static let secondsRange: ClosedRange<Int64> = -62_167_219_200...253_402_300_799

    /// Seconds since 1970 from a number (seconds, or milliseconds above 10^11) within
    /// ``secondsRange``, or ISO 8601 (`YYYY-MM-DD`, optionally `THH:MM[:SS[.fff]]` and `Z` or
    /// `±HH:MM`).
    public static func parseTimestamp(_ text: String) -> Int64? {
        if let integer = Int64(text) {
            let seconds = integer > 100_000_000_000 ? integer / 1000 : integer
            return secondsRange.contains(seconds) ? seconds : nil
        }
        if let real = Double(text), real.isFinite {
            guard let seconds = Int64(exactly: real.rounded(.towardZero)), secondsRange.contains(seconds) else {
                return nil
            }
            return seconds
        }
        let bytes = Array(text.utf8)
        var position = 0
        func number(_ digits: Int) -> Int? {
            guard position + digits <= bytes.count else { return nil }
            var result = 0
            for byte in bytes[position..<(position + digits)] {
                guard (0x30...0x39).contains(byte) else { return nil }
                result = result * 10 + Int(byte - 0x30)
            }
            position += digits
            return result
        }
        func expect(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var offset = 0
        if position < bytes.count && (bytes[position] == 0x54 || bytes[position] == 0x20) {
            position += 1
            guard let h = number(2), expect(0x3A), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h
            minute = m
            if expect(0x3A) {
                guard let s = number(2), s < 61 else { return nil }
                second = s
                if expect(0x2E) {
                    while position < bytes.count && (0x30...0x39).contains(bytes[position]) { position += 1 }
                }
            }
            if expect(0x5A) {
            } else if position < bytes.count && (bytes[position] == 0x2B || bytes[position] == 0x2D) {
                let sign = bytes[position] == 0x2D ? -1 : 1
                position += 1
                guard let oh = number(2) else { return nil }
                _ = expect(0x3A)
                guard let om = number(2) else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard position == bytes.count else { return nil }
        // Days from the civil date (proleptic Gregorian), after Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Int64(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
