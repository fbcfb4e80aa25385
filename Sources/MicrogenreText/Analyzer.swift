import MicrogenreCore

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

    /// Every buffer and cache lives in one struct, mutated through a single access per call:
    /// accesses to a struct's own fields need no dynamic exclusivity checks, which on class
    /// properties cost more than the tokenizing itself. (So `analyze` is not reentrant.)
    private var core: AnalyzerCore

    /// Creates an analyzer; fails only when ICU's data cannot be loaded.
    public init(options: AnalyzerOptions = .search) throws {
        self.options = options
        core = AnalyzerCore(
            options: options, folder: try UnicodeFolder(), breaker: try WordBreaker(),
            stopwords: ByteStringTable(Stopwords.english))
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
        core.analyze(text, body)
    }

    deinit { core.deallocate() }
}

/// The analyzer's state and algorithm; see ``Analyzer``.
private struct AnalyzerCore {
    let options: AnalyzerOptions
    let folder: UnicodeFolder
    let breaker: WordBreaker
    let stopwords: ByteStringTable
    let stemExceptions = ByteStringTable(StemExceptions.english.keys.sorted())
    let stemmer = EnglishStemmer()
    /// Surface term -> id; per id, the output term (`outputArena[outputStarts[id]..<outputStarts[id + 1]]`)
    /// and whether it is a stopword.
    var termCache = ByteStringTable(capacity: 1 << 16)
    static let frontSize = 1 << 13
    var frontHashes = [UInt64](repeating: 0, count: frontSize)
    var frontIDs = [Int32](repeating: 0, count: frontSize)
    var cachedStopwords: [Bool] = []
    var outputArena: [UInt8] = []
    var outputStarts: [Int] = [0]
    var stemScratch: [UInt8] = []
    var folded: [UInt8] = []

    /// The current word, folded; and the hyphen run being joined.
    var term: UnsafeMutablePointer<UInt8>
    var termCapacity = 256
    var run: UnsafeMutablePointer<UInt8>
    var runLength = 0
    var runCapacity = 256

    var position = 0
    var lastEnd = -2
    var runCount = 0
    var runPosition = 0
    var runStart = 0
    var runEnd = 0

    static let termCacheLimit = 1 << 20

    init(options: AnalyzerOptions, folder: UnicodeFolder, breaker: WordBreaker, stopwords: ByteStringTable) {
        self.options = options
        self.folder = folder
        self.breaker = breaker
        self.stopwords = stopwords
        term = .allocate(capacity: termCapacity)
        run = .allocate(capacity: runCapacity)
    }

    func deallocate() {
        term.deallocate()
        run.deallocate()
    }

    mutating func analyze(_ text: UnsafeBufferPointer<UInt8>, _ body: (TokenView) -> Void) {
        position = 0
        lastEnd = -2
        runCount = 0
        let n = text.count
        var k = 0
        while k < n {
            while k < n && isSpace(text[k]) { k += 1 }
            let start = k
            var needsICU = false
            while k < n && !isSpace(text[k]) {
                if text[k] >= 0x80 && !needsICU { needsICU = !isKnownPunctuation(text, k) }
                k += 1
            }
            if start == k { break }
            if needsICU {
                unicodeWords(text, start, k, body)
            } else {
                asciiWords(text, start, k, body)
            }
        }
        flushRun(body)
    }

    // MARK: - Segmentation

    /// Letters and digits, joined across `'` (and `’`) and `.` between letters and `.` and `,`
    /// between digits, as UAX #29 does (`don't`, `u.s`, `3.5`, `1,000`). Other bytes, including
    /// the common non-ASCII punctuation the caller let through, separate words.
    mutating func asciiWords(_ text: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ body: (TokenView) -> Void) {
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
                    if joiner == 0xE2 && k + 3 < to && text[k + 1] == 0x80 && text[k + 2] == 0x99 && isAlpha(before)
                        && isAlpha(text[k + 3])
                    {
                        k += 3
                        continue
                    }
                }
                break
            }
            word(text, start, k, ascii: true, body)
        }
    }

    mutating func unicodeWords(_ text: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ body: (TokenView) -> Void)
    {
        let chunk = UnsafeBufferPointer(rebasing: text[from..<to])
        var words: [Range<Int>] = []
        do {
            try breaker.forEachWord(in: chunk) { words.append($0) }
        } catch {
            // ICU could not take the text (it never should for valid input): keep its ASCII words.
            asciiWords(text, from, to, body)
            return
        }
        for range in words {
            let start = from + range.lowerBound
            let end = from + range.upperBound
            var ascii = true
            for b in text[start..<end] where b >= 0x80 {
                ascii = false
                break
            }
            word(text, start, end, ascii: ascii, body)
        }
    }

    // MARK: - Filters

    mutating func word(
        _ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, ascii: Bool, _ body: (TokenView) -> Void
    ) {
        var count = 0
        var hash = ByteStringTable.hashStart
        if ascii {
            reserveTerm(end - start)
            var k = start
            while k < end {
                var b = text[k]
                if b == 0xE2 {  // the typographic apostrophe the ASCII path joins on
                    b = 0x27
                    k += 2
                } else if b &- 0x41 < 26 {
                    b |= 0x20
                }
                term[count] = b
                hash = ByteStringTable.hashStep(hash, b)
                count += 1
                k += 1
            }
        } else {
            folded.removeAll(keepingCapacity: true)
            do {
                try folder.fold(UnsafeBufferPointer(rebasing: text[start..<end]), into: &folded)
            } catch {
                folded.append(contentsOf: text[start..<end])
            }
            if folded.isEmpty { return }
            reserveTerm(folded.count)
            for b in folded {
                term[count] = b
                hash = ByteStringTable.hashStep(hash, b)
                count += 1
            }
        }
        hash = ByteStringTable.hashFinish(hash)
        let pos = position
        position += 1
        let type: TokenType = isDigit(term[0]) ? .number : .word
        if options.catenateHyphenated {
            // Copy the word into the run only when it is part of a hyphenated compound.
            let joined = runCount > 0 && isHyphenJoin(text, lastEnd, start)
            if joined {
                appendToRun(count)
                runCount += 1
            } else {
                if runCount >= 2 { flushRun(body) }
                runCount = 0
                if startsHyphenRun(text, end) {
                    runLength = 0
                    appendToRun(count)
                    runCount = 1
                    runPosition = pos
                    runStart = start
                }
            }
            runEnd = end
        }
        lastEnd = end
        emit(UnsafeBufferPointer(start: term, count: count), hash, pos, 1, start, end, type, body)
    }

    mutating func reserveTerm(_ capacity: Int) {
        guard capacity > termCapacity else { return }
        term.deallocate()
        termCapacity = capacity * 2
        term = .allocate(capacity: termCapacity)
    }

    mutating func appendToRun(_ count: Int) {
        if runLength + count > runCapacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: (runLength + count) * 2)
            bigger.update(from: run, count: runLength)
            run.deallocate()
            run = bigger
            runCapacity = (runLength + count) * 2
        }
        (run + runLength).update(from: term, count: count)
        runLength += count
    }

    mutating func flushRun(_ body: (TokenView) -> Void) {
        guard runCount >= 2 else { return }
        let count = runCount
        runCount = 0
        let joined = UnsafeBufferPointer(start: run, count: runLength)
        emit(joined, ByteStringTable.hash(joined), runPosition, count, runStart, runEnd, .compound, body)
    }

    mutating func emit(
        _ term: UnsafeBufferPointer<UInt8>, _ hash: UInt64, _ position: Int, _ length: Int, _ start: Int, _ end: Int,
        _ type: TokenType, _ body: (TokenView) -> Void
    ) {
        let id = cachedTerm(term, hash, type)
        let isStopword = type == .word && cachedStopwords[id]
        if options.removeStopwords && isStopword { return }
        let range = outputStarts[id]..<outputStarts[id + 1]
        outputArena.withUnsafeBufferPointer { arena in
            body(
                TokenView(
                    term: UnsafeBufferPointer(rebasing: arena[range]), position: position, positionLength: length,
                    startOffset: start, endOffset: end, type: type, isStopword: isStopword))
        }
    }

    /// The cache entry of `term`: what this analyzer outputs for it (its stem, or itself) and
    /// whether it is a stopword. One hash lookup per token decides both.
    mutating func cachedTerm(_ term: UnsafeBufferPointer<UInt8>, _ hash: UInt64, _ type: TokenType) -> Int {
        // A small direct-mapped front (fits in L2) catches the frequent words before the large
        // table's probe, which misses the cache once the table holds a catalog's vocabulary.
        let front = Int(truncatingIfNeeded: hash >> 40) & (Self.frontSize - 1)
        if frontHashes[front] == hash, termCache.holds(frontIDs[front], term) { return Int(frontIDs[front]) }
        if let found = termCache.id(of: term, hash: hash) {
            frontHashes[front] = hash
            frontIDs[front] = found
            return Int(found)
        }
        if termCache.count >= Self.termCacheLimit {
            for k in 0..<Self.frontSize { frontHashes[k] = 0 }
            termCache.removeAll()
            cachedStopwords.removeAll(keepingCapacity: true)
            outputArena.removeAll(keepingCapacity: true)
            outputStarts = [0]
        }
        let id = Int(termCache.insert(term, hash: hash).id)
        if options.stem && type != .number && isStemmable(term) {
            stemScratch.removeAll(keepingCapacity: true)
            if let exception = stemExceptions.id(of: term) {
                stemScratch.append(contentsOf: StemExceptions.english[stemExceptions.string(of: exception)]!.utf8)
            } else {
                stemScratch.append(contentsOf: term)
                stemmer.stem(&stemScratch)
            }
            outputArena.append(contentsOf: stemScratch)
        } else {
            outputArena.append(contentsOf: term)
        }
        outputStarts.append(outputArena.count)
        cachedStopwords.append(stopwords.id(of: term) != nil)
        return id
    }
}

/// Non-ASCII punctuation common in English text that the ASCII path handles itself, so that a
/// chunk holding only these needs no ICU: dashes, typographic quotes, no-break space, ellipsis.
@inline(__always)
private func isKnownPunctuation(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) -> Bool {
    let b = text[k]
    if b >= 0x80 && b < 0xC0 {
        return true  // a continuation byte: its lead byte decided already
    }
    if b == 0xC2 { return k + 1 < text.count && text[k + 1] == 0xA0 }
    guard b == 0xE2, k + 2 < text.count, text[k + 1] == 0x80 else { return false }
    switch text[k + 2] {
    case 0x90...0x94, 0x98, 0x99, 0x9C, 0x9D, 0xA6: return true
    default: return false
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

/// Whether a hyphen (ASCII `-`, U+2010 or U+2011) follows the word ending at `end`.
@inline(__always)
private func startsHyphenRun(_ text: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
    guard end < text.count else { return false }
    if text[end] == 0x2D { return true }
    return text[end] == 0xE2 && end + 2 < text.count && text[end + 1] == 0x80
        && (text[end + 2] == 0x90 || text[end + 2] == 0x91)
}

/// Whether the word ending at `lastEnd` and the one starting at `start` are joined by a hyphen
/// (ASCII `-`, U+2010 or U+2011).
@inline(__always)
private func isHyphenJoin(_ text: UnsafeBufferPointer<UInt8>, _ lastEnd: Int, _ start: Int) -> Bool {
    if start == lastEnd + 1 { return lastEnd >= 0 && text[lastEnd] == 0x2D }
    if start == lastEnd + 3 && lastEnd >= 0 {
        return text[lastEnd] == 0xE2 && text[lastEnd + 1] == 0x80
            && (text[lastEnd + 2] == 0x90 || text[lastEnd + 2] == 0x91)
    }
    return false
}
