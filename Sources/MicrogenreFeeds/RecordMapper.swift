import MicrogenreCore

/// Turns the elements of one record in one feed format into a ``TitleRecord``.
protocol RecordMapper {
    /// Whether the element `localName` at `depth` (the root is 0) starts a record.
    func isRecord(localName: String, depth: Int) -> Bool
    /// Maps a record; nil (with a warning in the context) when it must be skipped.
    func map(_ element: XMLNodeView, _ context: inout MappingContext) throws -> TitleRecord?
}

extension RecordMapper {
    /// Checks the fields every record needs, warning and returning nil when one is missing.
    func require(
        id: String?, title: String?, element: XMLNodeView, _ context: inout MappingContext, what: String
    ) -> (TitleID, String)? {
        guard let id, !id.isEmpty else {
            context.warn(element.line, "\(what) without an id skipped" + (title.map { " (title \"\($0)\")" } ?? ""))
            return nil
        }
        guard let title, !title.isEmpty else {
            context.warn(element.line, "\(what) '\(id)' without a title skipped")
            return nil
        }
        return (TitleID(id), title)
    }
}

/// Parsers for the value syntaxes feeds use.
enum Values {
    /// The first four-digit year in text like `1999`, `1999-05-01` or `20151126060000 +0000`.
    static func year(_ text: String?) -> Int? {
        guard let text else { return nil }
        var year = 0
        var digits = 0
        for byte in text.utf8 {
            guard byte &- 0x30 < 10 else { break }
            if digits < 4 { year = year * 10 + Int(byte &- 0x30) }
            digits += 1
        }
        guard digits >= 4, (1850...2100).contains(year) else { return nil }
        return year
    }

    /// A whole number, ignoring surrounding white space.
    static func integer(_ text: String?) -> Int? {
        guard let text else { return nil }
        return Int(text.filter { $0 != " " })
    }

    /// Minutes from an ISO 8601 duration (`PT1H30M`, `P0DT2H`), a clock time (`01:30:00`;
    /// `90:00` as minutes and seconds, or hours and minutes when `clockIsHoursMinutes`), or
    /// plain minutes (`95`).
    static func minutes(_ text: String?, clockIsHoursMinutes: Bool = false) -> Int? {
        guard let text = text?.uppercased(), !text.isEmpty else { return nil }
        if text.hasPrefix("P") {
            var total = 0.0
            var number = ""
            var inTime = false
            for c in text.dropFirst() {
                if c.isNumber || c == "." || c == "," {
                    number.append(c == "," ? "." : c)
                    continue
                }
                let value = Double(number) ?? 0
                number = ""
                switch c {
                case "T": inTime = true
                case "D": total += value * 1440
                case "H": total += value * 60
                case "M": total += inTime ? value : value * 43_200
                case "S": total += value / 60
                default: return nil
                }
            }
            return total > 0 ? Int(total.rounded()) : nil
        }
        if text.contains(":") {
            let parts = text.split(separator: ":").compactMap { Int($0) }
            switch parts.count {
            case 3: return parts[0] * 60 + parts[1] + (parts[2] >= 30 ? 1 : 0)
            case 2: return clockIsHoursMinutes ? parts[0] * 60 + parts[1] : parts[0] + (parts[1] >= 30 ? 1 : 0)
            default: return nil
            }
        }
        return integer(text)
    }

    /// The synopsis length a text of this size reads as, for formats that do not say.
    static func synopsisLength(of text: String) -> Synopsis.Length {
        switch text.utf8.count {
        case ..<256: .short
        case ..<1024: .medium
        default: .long
        }
    }
}
