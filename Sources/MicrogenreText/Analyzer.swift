internal import CICU
public import MicrogenreCore

/// How an analyzer turns text into terms.
public struct AnalyzerOptions: Sendable, Hashable {
    /// Reduce English words to their Snowball stems (`comedies` -> `comedi`).
    public var stem: Bool
    /// Drop English stopwords (they still take a position).
    public var removeStopwords: Bool
    /// Also emit hyphenated compounds joined (`female-led` -> `female`, `led`, `femaleled`).
    public var catenateHyphenated: Bool

    /// Creates options; the defaults are the search analyzer's.
    public init(stem: Bool = true, removeStopwords: Bool = true, catenateHyphenated: Bool = true) {
        self.stem = stem
        self.removeStopwords = removeStopwords
        self.catenateHyphenated = catenateHyphenated
    }

    /// Stemming, stopword removal and compounds: what the index and queries use.
    public static let search = AnalyzerOptions()
    /// Folding and segmentation only: every word, unstemmed.
    public static let exact = AnalyzerOptions(stem: false, removeStopwords: false, catenateHyphenated: true)
}

/// Turns text into a stream of terms with positions and byte offsets.
///
/// The chain: split on ASCII whitespace; ASCII stretches are tokenized and lowercased by a
/// byte loop, stretches with any non-ASCII byte go to ICU's word break iterator and are folded
/// with ICU (NFKC case folding, diacritics removed); then hyphenated compounds, stopwords and
/// the Snowball English stemmer. ICU objects, buffers and a stem cache are reused across calls,
/// so an analyzer is not thread-safe: make one per thread.
public final class Analyzer {
    /// The options this analyzer applies.
    public let options: AnalyzerOptions

    private let folder: UnicodeFolder
    private let breaker: WordBreaker
    private let stemmer = EnglishStemmer()
    private let stopwords: ByteStringTable
    private var stemCache = ByteStringTable(capacity: 1 << 16)
    private var stemArena: [UInt8] = []
    private var stemStarts: [Int] = [0]
    private var term: [UInt8] = []
    private var stemScratch: [UInt8] = []

    private var position = 0
    private var lastEnd = -2
    private var run: [UInt8] = []
    private var runCount = 0
    private var runPosition = 0
    private var runStart = 0
    private var runEnd = 0

    private static let stemCacheLimit = 1 << 20

    /// Creates an analyzer; fails only when ICU's data cannot be loaded.
    public init(options: AnalyzerOptions = .search) throws {
        self.options = options
        folder = try UnicodeFolder()
        breaker = try WordBreaker()
        stopwords = ByteStringTable(Stopwords.english)
    }

    /// Analyzes `text` into owned tokens, in position order.
    public func analyze(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var copy = text
        copy.withUTF8 { bytes in analyze(bytes) { tokens.append($0.token) } }
        return tokens
    }

    /// The terms of `text`, in position order.
    public func terms(_ text: String) -> [String] {
        analyze(text).map(\.term)
    }

    /// Analyzes UTF-8 `text`, calling `body` for every token. Offsets are relative to `text`.
    public func analyze(_ text: UnsafeBufferPointer<UInt8>, _ body: (TokenView) -> Void) {
        position = 0
        lastEnd = -2
        runCount = 0
        let n = text.count
        var k = 0
        while k < n {
            while k < n && isSpace(text[k]) { k += 1 }
            let start = k
            var ascii = true
            while k < n && !isSpace(text[k]) {
                if text[k] >= 0x80 { ascii = false }
                k += 1
            }
            if start == k { break }
            if ascii {
                asciiWords(text, start, k, body)
            } else {
                unicodeWords(text, start, k, body)
            }
        }
        flushRun(body)
    }

    // MARK: - Segmentation

    /// Letters and digits, joined across `'` and `.` between letters and `.` and `,` between
    /// digits, as UAX #29 does (`don't`, `u.s`, `3.5`, `1,000`).
    private func asciiWords(_ text: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ body: (TokenView) -> Void) {
        var k = from
        while k < to {
            guard isAlnum(text[k]) else {
                k += 1
                continue
            }
            let start = k
            k += 1
            while true {
                while k < to && (isAlnum(text[k]) || text[k] == 0x5F) { k += 1 }
                if k + 1 < to {
                    let joiner = text[k]
                    let before = text[k - 1]
                    let after = text[k + 1]
                    if (joiner == 0x27 || joiner == 0x2E) && isAlpha(before) && isAlpha(after) {
                        k += 1
                        continue
                    }
                    if (joiner == 0x2E || joiner == 0x2C) && isDigit(before) && isDigit(after) {
                        k += 1
                        continue
                    }
                }
                break
            }
            word(text, start, k, ascii: true, body)
        }
    }

    private func unicodeWords(_ text: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ body: (TokenView) -> Void) {
        let chunk = UnsafeBufferPointer(rebasing: text[from..<to])
        do {
            try breaker.forEachWord(in: chunk) { range in
                let start = from + range.lowerBound
                let end = from + range.upperBound
                var ascii = true
                for b in text[start..<end] where b >= 0x80 {
                    ascii = false
                    break
                }
                word(text, start, end, ascii: ascii, body)
            }
        } catch {
            // ICU could not take the text (it never should for valid input): keep its ASCII words.
            asciiWords(text, from, to, body)
        }
    }

    // MARK: - Filters

    private func word(
        _ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, ascii: Bool, _ body: (TokenView) -> Void
    ) {
        term.removeAll(keepingCapacity: true)
        if ascii {
            for b in text[start..<end] { term.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b) }
        } else {
            do {
                try folder.fold(UnsafeBufferPointer(rebasing: text[start..<end]), into: &term)
            } catch {
                term.append(contentsOf: text[start..<end])
            }
            if term.isEmpty { return }
        }
        let pos = position
        position += 1
        let type: TokenType = isDigit(term[0]) ? .number : .word
        if options.catenateHyphenated {
            if runCount > 0 && isHyphenJoin(text, lastEnd, start) {
                run.append(contentsOf: term)
                runCount += 1
            } else {
                flushRun(body)
                run.removeAll(keepingCapacity: true)
                run.append(contentsOf: term)
                runCount = 1
                runPosition = pos
                runStart = start
            }
            runEnd = end
        }
        lastEnd = end
        term.withUnsafeBufferPointer { emit($0, pos, 1, start, end, type, body) }
    }

    private func flushRun(_ body: (TokenView) -> Void) {
        guard runCount >= 2 else { return }
        let count = runCount
        runCount = 0
        run.withUnsafeBufferPointer { emit($0, runPosition, count, runStart, runEnd, .compound, body) }
    }

    private func emit(
        _ term: UnsafeBufferPointer<UInt8>, _ position: Int, _ length: Int, _ start: Int, _ end: Int,
        _ type: TokenType, _ body: (TokenView) -> Void
    ) {
        if options.removeStopwords && type == .word && stopwords.id(of: term) != nil { return }
        guard options.stem && type != .number && isStemmable(term) else {
            body(TokenView(term: term, position: position, positionLength: length, startOffset: start, endOffset: end, type: type))
            return
        }
        let id = stemID(term)
        let range = stemStarts[Int(id)]..<stemStarts[Int(id) + 1]
        stemArena.withUnsafeBufferPointer { arena in
            body(
                TokenView(
                    term: UnsafeBufferPointer(rebasing: arena[range]), position: position, positionLength: length,
                    startOffset: start, endOffset: end, type: type))
        }
    }

    private func stemID(_ term: UnsafeBufferPointer<UInt8>) -> Int32 {
        if let id = stemCache.id(of: term) { return id }
        if stemCache.count >= Self.stemCacheLimit {
            stemCache.removeAll()
            stemArena.removeAll(keepingCapacity: true)
            stemStarts = [0]
        }
        stemScratch.removeAll(keepingCapacity: true)
        stemScratch.append(contentsOf: term)
        stemmer.stem(&stemScratch)
        stemArena.append(contentsOf: stemScratch)
        stemStarts.append(stemArena.count)
        return stemCache.insert(term).id
    }
}

@inline(__always) private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
@inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
@inline(__always) private func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
@inline(__always) private func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }

/// Lowercase ASCII letters and apostrophes only: what the English stemmer takes.
@inline(__always) private func isStemmable(_ term: UnsafeBufferPointer<UInt8>) -> Bool {
    for b in term where !(b &- 0x61 < 26 || b == 0x27) { return false }
    return true
}

/// Whether the word ending at `lastEnd` and the one starting at `start` are joined by a hyphen
/// (ASCII `-`, U+2010 or U+2011).
@inline(__always)
private func isHyphenJoin(_ text: UnsafeBufferPointer<UInt8>, _ lastEnd: Int, _ start: Int) -> Bool {
    if start == lastEnd + 1 { return lastEnd >= 0 && text[lastEnd] == 0x2D }
    if start == lastEnd + 3 && lastEnd >= 0 {
        return text[lastEnd] == 0xE2 && text[lastEnd + 1] == 0x80 && (text[lastEnd + 2] == 0x90 || text[lastEnd + 2] == 0x91)
    }
    return false
}
