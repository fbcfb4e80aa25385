import MicrogenreCore
import MicrogenreText

/// BERT's uncased WordPiece tokenizer, as the sentence-transformers models use it:
///
/// 1. clean: NUL, U+FFFD and control or format characters go (tab, newline and carriage return
///    stay as whitespace); every whitespace character becomes a space;
/// 2. CJK ideographs get a space on either side, so each is a word of its own;
/// 3. accents go: canonical decomposition (NFD), then nonspacing marks (category Mn) dropped;
/// 4. lowercase, character by character (full Unicode mappings);
/// 5. words split at whitespace, and every punctuation character is a word of its own (ASCII
///    symbols such as `$`, `+` and `~` count as punctuation, as in BERT);
/// 6. each word becomes the longest vocabulary piece at its start, then the longest `##` piece
///    at each later point (greedy longest match first); a word with no such split, or of more
///    than 100 characters, is one `[UNK]`.
///
/// The result starts with `[CLS]` and ends with `[SEP]`, cut to ``maximumTokens`` ids in all.
/// Immutable after loading, so one tokenizer serves every thread.
public final class WordPieceTokenizer: Sendable {
    /// The vocabulary, one piece per id.
    public let pieces: [String]
    /// Ids by piece (`##` pieces under their full spelling).
    private let ids: [String: Int32]
    /// The longest piece, in characters, `##` not counted: no match is tried beyond it.
    private let longestPiece: Int
    private let decomposer: CanonicalDecomposer
    /// `[UNK]`, `[CLS]`, `[SEP]` and `[PAD]`.
    public let unknownID: Int32
    public let classID: Int32
    public let separatorID: Int32
    public let paddingID: Int32
    /// Words longer than this many characters are `[UNK]` without trying.
    public let maximumWordCharacters = 100

    /// Reads a `vocab.txt`: one piece per line, the line number (from 0) its id.
    public convenience init(vocabularyFile path: String) throws {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path) } catch {
            throw EmbeddingError(path: path, "cannot read the vocabulary: \(error)")
        }
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if lines.last == "" { lines.removeLast() }
        try self.init(pieces: lines, source: path)
    }

    /// A tokenizer over `pieces` (id = position); it must hold `[UNK]`, `[CLS]`, `[SEP]`, `[PAD]`.
    public init(pieces: [String], source: String = "vocabulary") throws {
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(pieces.count)
        var longest = 1
        for (id, piece) in pieces.enumerated() where ids[piece] == nil {
            ids[piece] = Int32(id)
            longest = max(longest, piece.unicodeScalars.count - (piece.hasPrefix("##") ? 2 : 0))
        }
        func special(_ name: String) throws -> Int32 {
            guard let id = ids[name] else { throw EmbeddingError(path: source, "the vocabulary has no \(name)") }
            return id
        }
        self.pieces = pieces
        self.ids = ids
        longestPiece = longest
        unknownID = try special("[UNK]")
        classID = try special("[CLS]")
        separatorID = try special("[SEP]")
        paddingID = try special("[PAD]")
        decomposer = try CanonicalDecomposer()
    }

    /// The ids of `text`: `[CLS]`, its pieces, `[SEP]`, at most `maximumTokens` in all (the
    /// pieces past the limit are dropped; `[SEP]` always ends the list).
    public func encode(_ text: String, maximumTokens: Int = 256) -> [Int32] {
        var result: [Int32] = [classID]
        let budget = max(0, maximumTokens - 2)
        forEachWord(of: text) { word in
            guard result.count - 1 < budget else { return false }
            appendPieces(of: word, to: &result)
            return true
        }
        if result.count - 1 > budget { result.removeLast(result.count - 1 - budget) }
        result.append(separatorID)
        return result
    }

    /// The pieces of `text` as strings, without `[CLS]` and `[SEP]` (for `embed --tokens`).
    public func tokenize(_ text: String) -> [String] {
        var ids: [Int32] = []
        forEachWord(of: text) { word in
            appendPieces(of: word, to: &ids)
            return true
        }
        return ids.map { pieces[Int($0)] }
    }

    // MARK: - Normalization and words

    /// Calls `body` with each normalized word of `text` until it returns false.
    private func forEachWord(of text: String, _ body: ([Unicode.Scalar]) -> Bool) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count)
        var ascii = true
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                if value == 0x09 || value == 0x0A || value == 0x0D || value == 0x20 {
                    scalars.append(" ")
                } else if value >= 0x21 && value < 0x7F {
                    scalars.append(scalar)
                }  // other ASCII controls (and NUL) go
                continue
            }
            ascii = false
            if value == 0xFFFD || Self.isControl(scalar) { continue }
            if scalar.properties.isWhitespace {
                scalars.append(" ")
            } else if Self.isCJK(value) {
                scalars.append(" ")
                scalars.append(scalar)
                scalars.append(" ")
            } else {
                scalars.append(scalar)
            }
        }
        if !ascii { scalars = stripAccentsAndLowercase(scalars) }
        var word: [Unicode.Scalar] = []
        func flush() -> Bool {
            guard !word.isEmpty else { return true }
            defer { word.removeAll(keepingCapacity: true) }
            return body(word)
        }
        for scalar in scalars {
            if scalar == " " {
                guard flush() else { return }
            } else if Self.isPunctuation(scalar) {
                guard flush() else { return }
                word.append(scalar)
                guard flush() else { return }
            } else {
                word.append(ascii ? Self.asciiLowercase(scalar) : scalar)
            }
        }
        _ = flush()
    }

    /// NFD with nonspacing marks dropped, then each character lowercased.
    private func stripAccentsAndLowercase(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // ICU fails only on memory exhaustion; keep the accents then rather than lose the text.
        let decomposed = (try? decomposer.decompose(scalars)) ?? scalars
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(decomposed.count)
        for scalar in decomposed {
            if scalar.value < 0x80 {
                result.append(Self.asciiLowercase(scalar))
                continue
            }
            let properties = scalar.properties
            if properties.generalCategory == .nonspacingMark { continue }
            if properties.changesWhenLowercased {
                result.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return result
    }

    @inline(__always)
    private static func asciiLowercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x20)! : scalar
    }

    /// Control, format, surrogate, private-use and unassigned characters (tab, newline and
    /// carriage return are whitespace instead).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: true
        default: false
        }
    }

    /// ASCII punctuation and symbols, and every Unicode punctuation category.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (0x21...0x2F).contains(value) || (0x3A...0x40).contains(value) || (0x5B...0x60).contains(value)
                || (0x7B...0x7E).contains(value)
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks and their extensions and compatibility forms (not kana
    /// or hangul, which BERT splits like other letters).
    static func isCJK(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) || (0x20000...0x2A6DF).contains(value)
            || (0x2A700...0x2B73F).contains(value) || (0x2B740...0x2B81F).contains(value)
            || (0x2B820...0x2CEAF).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0x2F800...0x2FA1F).contains(value)
    }

    // MARK: - WordPiece

    /// Appends the pieces of one normalized word (or `[UNK]`).
    private func appendPieces(of word: [Unicode.Scalar], to output: inout [Int32]) {
        guard word.count <= maximumWordCharacters else {
            output.append(unknownID)
            return
        }
        let mark = output.count
        var start = 0
        var candidate = String.UnicodeScalarView()
        while start < word.count {
            var end = min(word.count, start + longestPiece)
            var found: Int32?
            while end > start {
                candidate.removeAll(keepingCapacity: true)
                if start > 0 { candidate.append(contentsOf: "##".unicodeScalars) }
                candidate.append(contentsOf: word[start..<end])
                if let id = ids[String(candidate)] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                output.removeLast(output.count - mark)
                output.append(unknownID)
                return
            }
            output.append(found)
            start = end
        }
    }
}
