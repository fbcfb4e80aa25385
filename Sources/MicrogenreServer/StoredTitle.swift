/// The display fields an index stores for a title (its name and year), read from the stored JSON.
public struct StoredTitle: Sendable, Hashable {
    /// The display title.
    public var title = ""
    /// The year, when the record has one.
    public var year: Int?

    /// Reads `json`, the stored fields (`IndexReader.storedJSON`).
    public init(json: String) {
        if let range = json.slice(after: "\"title\":\"", before: "\"") { title = range }
        if let year = json.slice(after: "\"year\":", before: ",") { self.year = Int(year) }
    }
}

extension String {
    func slice(after start: String, before end: String) -> String? {
        let chars = Array(self)
        let s = Array(start)
        guard s.count <= chars.count else { return nil }
        for k in 0...(chars.count - s.count) where Array(chars[k..<(k + s.count)]) == s {
            var result = ""
            var j = k + s.count
            while j < chars.count {
                if chars[j] == "\\" && j + 1 < chars.count {
                    result.append(chars[j + 1])
                    j += 2
                    continue
                }
                if String(chars[j]) == end { return result }
                result.append(chars[j])
                j += 1
            }
            return result
        }
        return nil
    }
}
