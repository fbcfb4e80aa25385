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
    /// The version of the analysis chain: raised whenever the terms it produces for some text
    /// change (a stopword, a stem exception). Indexes and tag models record it, because terms
    /// written by one version are not all found by another.
    /// Version 2: derived words kept apart from the words tags are named by (`StemExceptions`).
    public static let version: UInt32 = 2

    /// The options this analyzer applies.
    public let options: AnalyzerOptions

    /// Every buffer and cache lives in one struct, mutated through a single access per call:
    /// accesses to a struct's own fields need no dynamic exclusivity checks, which on class
    /// properties cost more than the tokenizing itself. Even that one check per call is left
    /// out: a title's people and genres are analyzed value by value, a few words per call.
    /// (So `analyze` is not reentrant, and an analyzer belongs to one thread.)
    @exclusivity(unchecked) private var core: AnalyzerCore

    /// Creates an analyzer; fails only when ICU's data cannot be loaded.
    public convenience init(options: AnalyzerOptions = .search) throws {
        try self.init(options: options, termCacheLimit: 1 << 19)
    }

    /// Creates an analyzer whose term cache is emptied when it holds `termCacheLimit` distinct
    /// words (about 32 MB at the default; tests set it low to exercise the emptying).
    init(options: AnalyzerOptions, termCacheLimit: Int) throws {
        self.options = options
        core = AnalyzerCore(
            options: options, folder: try UnicodeFolder(), breaker: try WordBreaker(),
            stopwords: ByteStringTable(Stopwords.english), termCacheLimit: termCacheLimit)
    }

    /// Analyzes `text` into owned tokens, in position order.
    public func analyze(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var copy = text
        _ = copy.withUTF8 { bytes in analyze(bytes) { tokens.append($0.token) } }
        return tokens
    }

    /// The terms of `text`, in position order.
    public func terms(_ text: String) -> [String] {
        analyze(text).map(\.term)
    }

    /// Analyzes UTF-8 `text`, calling `body` for every token. Offsets are relative to `text`.
    /// Returns the number of positions the text took, stopwords included: where the positions
    /// of a text analyzed after it, as if the two were one, continue.
    @discardableResult
    public func analyze(_ text: UnsafeBufferPointer<UInt8>, _ body: (TokenView) -> Void) -> Int {
        core.analyze(text, body)
        return core.position
    }

    /// The distinct words the term cache holds (tests).
    var cachedTermCount: Int { core.terms.count }

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
    /// Surface term -> what this analyzer outputs for it, and whether it is a stopword.
    var terms = TermCache(capacity: 1 << 16)
    /// Tokens whose lookup waits until a batch of them has been prefetched: the lookups'
    /// cache misses then overlap instead of stalling one token at a time.
    static let batchSize = 32
    var pending = UnsafeMutablePointer<PendingToken>.allocate(capacity: batchSize)
    var pendingCount = 0
    /// The batch's copied words; eight bytes of slack past its capacity take whole-word writes.
    var pendingBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096 + 8)
    var pendingBytesCapacity = 4096
    var pendingBytesUsed = 0
    /// The output of the current token when it comes from `terms`.
    var output = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * TermCache.maxKeyLength + 2)
    var stemScratch: [UInt8] = []
    var folded: [UInt8] = []

    /// The hyphen run being joined.
    var run: UnsafeMutablePointer<UInt8>
    var runLength = 0
    var runCapacity = 256

    var position = 0
    var lastEnd = -2
    var runCount = 0
    var runPosition = 0
    var runStart = 0
    var runEnd = 0

    /// Distinct words the term cache holds before it is emptied and starts again.
    let termCacheLimit: Int

    init(
        options: AnalyzerOptions, folder: UnicodeFolder, breaker: WordBreaker, stopwords: ByteStringTable,
        termCacheLimit: Int
    ) {
        self.options = options
        self.termCacheLimit = termCacheLimit
        self.folder = folder
        self.breaker = breaker
        self.stopwords = stopwords
        run = .allocate(capacity: runCapacity)
    }

    func deallocate() {
        run.deallocate()
        output.deallocate()
        terms.deallocate()
        pending.deallocate()
        pendingBytes.deallocate()
    }

    mutating func analyze(_ text: UnsafeBufferPointer<UInt8>, _ body: (TokenView) -> Void) {
        position = 0
        lastEnd = -2
        runCount = 0
        let n = text.count
        // Most text needs no ICU at all: one word-at-a-time scan proves it, and the ASCII path
        // then takes the whole text at once.
        if !needsICU(text) {
            asciiWords(text, 0, n, body)
            flushRun(body)
            drain(body)
            return
        }
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
        drain(body)
    }

    // MARK: - Segmentation

    /// Whether any byte of `text` is outside ASCII and the punctuation the ASCII path handles.
    func needsICU(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let n = text.count
        var k = 0
        while k < n {
            if k + 8 <= n && raw.loadUnaligned(fromByteOffset: k, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                k += 8
                continue
            }
            let stop = min(k + 8, n)
            while k < stop {
                if text[k] >= 0x80 && !isKnownPunctuation(text, k) { return true }
                k += 1
            }
        }
        return false
    }

    /// Letters and digits, joined across `'` (and `’`) and `.` between letters and `.` and `,`
    /// between digits, as UAX #29 does (`don't`, `u.s`, `3.5`, `1,000`). Other bytes, including
    /// the common non-ASCII punctuation the caller let through, separate words.
    mutating func asciiWords(_ text: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ body: (TokenView) -> Void) {
        var k = from
        while k < to {
            let first = text[k]
            guard isAlnum(first) else {
                k &+= 1
                continue
            }
            let start = k
            // Whether the word differs from its term: an uppercase letter or a typographic apostrophe.
            var changes = isUpper(first)
            k &+= 1
            while true {
                k = wordEnd(text, k, to, &changes)
                if k &+ 1 < to {
                    let joiner = text[k]
                    let before = text[k &- 1]
                    let after = text[k &+ 1]
                    if (joiner == 0x27 || joiner == 0x2E) && isAlpha(before) && isAlpha(after) {
                        k &+= 1
                        continue
                    }
                    if (joiner == 0x2E || joiner == 0x2C) && isDigit(before) && isDigit(after) {
                        k &+= 1
                        continue
                    }
                    if joiner == 0xE2 && k &+ 3 < to && text[k &+ 1] == 0x80 && text[k &+ 2] == 0x99 && isAlpha(before)
                        && isAlpha(text[k &+ 3])
                    {
                        changes = true
                        k &+= 3
                        continue
                    }
                }
                break
            }
            asciiWord(text, start, k, changes: changes, body)
        }
    }

    /// Where the letters, digits and underscores from `from` end, at most `to`; sets `changes`
    /// if any of them is uppercase. Eight bytes at a time, the end found from a bit mask: a
    /// byte-by-byte loop takes three or four branches per byte and mispredicts its exit.
    @inline(__always)
    func wordEnd(_ text: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ changes: inout Bool) -> Int {
        let raw = UnsafeRawPointer(text.baseAddress!)
        var k = from
        while k &+ 8 <= to {
            let classes = WordBytes(raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))
            let stops = ~classes.word & WordBytes.highs
            if stops == 0 {
                if classes.uppercase != 0 { changes = true }
                k &+= 8
                continue
            }
            // The first stop byte's high bit; everything below it belongs to the word.
            let bit = UInt64(stops.trailingZeroBitCount)
            if classes.uppercase & ((1 &<< bit) &- 1) != 0 { changes = true }
            return k &+ Int(bit &>> 3)
        }
        while k < to {
            let b = text[k]
            if b &- 0x61 < 26 || isDigit(b) || b == 0x5F {
                k &+= 1
            } else if isUpper(b) {
                changes = true
                k &+= 1
            } else {
                break
            }
        }
        return k
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
            if ascii {
                asciiWord(text, start, end, changes: true, body)
            } else {
                foldedWord(text, start, end, body)
            }
        }
    }

    // MARK: - Filters

    /// An ASCII word. Its term is the text itself unless it `changes` (lowercased, `’` to `'`):
    /// only then is it copied.
    mutating func asciiWord(
        _ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, changes: Bool, _ body: (TokenView) -> Void
    ) {
        let dest = reserve(changes ? end - start : 0, body)
        guard changes else {
            queueWord(UnsafeBufferPointer(rebasing: text[start..<end]), text, start, end, body)
            return
        }
        var count = 0
        var k = start
        // Eight ASCII bytes at a time, uppercase letters lowered by setting their 0x20 bit. Bytes
        // past the word are written too, into the batch's slack, and overwritten later.
        let raw = UnsafeRawPointer(text.baseAddress!)
        while k < end && k &+ 8 <= text.count {
            let word = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }  // a typographic apostrophe, say: byte by byte
            let uppercase = lettersFromAToZ(word)
            UnsafeMutableRawPointer(dest + count).storeBytes(of: word | uppercase &>> 2, as: UInt64.self)
            let taken = min(8, end &- k)
            count &+= taken
            k &+= taken
        }
        while k < end {
            var b = text[k]
            if b == 0xE2 {  // the typographic apostrophe the ASCII path joins on
                b = 0x27
                k &+= 2
            } else if isUpper(b) {
                b |= 0x20
            }
            dest[count] = b
            count &+= 1
            k &+= 1
        }
        pendingBytesUsed &+= count
        queueWord(UnsafeBufferPointer(start: dest, count: count), text, start, end, body)
    }

    /// A word with non-ASCII letters, folded by ICU.
    mutating func foldedWord(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ body: (TokenView) -> Void)
    {
        folded.removeAll(keepingCapacity: true)
        do {
            try folder.fold(UnsafeBufferPointer(rebasing: text[start..<end]), into: &folded)
        } catch {
            folded.append(contentsOf: text[start..<end])
        }
        if folded.isEmpty { return }
        let dest = reserve(folded.count, body)
        folded.withUnsafeBufferPointer { dest.update(from: $0.baseAddress!, count: $0.count) }
        pendingBytesUsed += folded.count
        queueWord(UnsafeBufferPointer(start: dest, count: folded.count), text, start, end, body)
    }

    /// Queues the word whose term is `term` (in the text or the batch's bytes, which stay put
    /// until the batch drains), after the compound it ends, if any; tracks hyphen runs.
    mutating func queueWord(
        _ term: UnsafeBufferPointer<UInt8>, _ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
        _ body: (TokenView) -> Void
    ) {
        // Eight bytes can be read from the term when it was copied into the batch (which has
        // slack) or when the text goes on for eight bytes.
        let readable = start &+ 8 <= text.count || term.baseAddress != text.baseAddress! + start
        let first = TermCache.firstWord(term, eightReadable: readable)
        let hash = TermCache.hash(term, first: first)
        let pos = position
        position &+= 1
        let type: TokenType = isDigit(term[0]) ? .number : .word
        if options.catenateHyphenated {
            // Copy the word into the run only when it is part of a hyphenated compound.
            let joined = runCount > 0 && isHyphenJoin(text, lastEnd, start)
            if joined {
                appendToRun(term)
                runCount += 1
            } else {
                if runCount >= 2 { flushRun(body) }
                runCount = 0
                if startsHyphenRun(text, end) {
                    runLength = 0
                    appendToRun(term)
                    runCount = 1
                    runPosition = pos
                    runStart = start
                }
            }
            runEnd = end
        }
        lastEnd = end
        push(
            PendingToken(
                term: term.baseAddress!, termLength: term.count, hash: hash, first: first, position: pos, length: 1,
                start: start, end: end, type: type))
    }

    /// Adds `token` to the batch (which has room) and starts loading its cache buckets.
    @inline(__always)
    mutating func push(_ token: PendingToken) {
        pending[pendingCount] = token
        pendingCount &+= 1
        terms.prefetch(token.hash)
    }

    /// Room in the batch for a word of `length` bytes to copy, and for a compound flushed before
    /// it, so that nothing drains the batch between writing the word and queueing it.
    mutating func reserve(_ length: Int, _ body: (TokenView) -> Void) -> UnsafeMutablePointer<UInt8> {
        let needed = length &+ runLength
        if pendingCount &+ 2 > Self.batchSize || pendingBytesUsed &+ needed > pendingBytesCapacity {
            drain(body)
            ensurePendingCapacity(needed)
        }
        return pendingBytes + pendingBytesUsed
    }

    /// Room for `needed` bytes in the (drained, empty) batch.
    mutating func ensurePendingCapacity(_ needed: Int) {
        guard needed > pendingBytesCapacity else { return }
        pendingBytes.deallocate()
        pendingBytesCapacity = needed * 2
        pendingBytes = .allocate(capacity: pendingBytesCapacity + 8)
    }

    mutating func appendToRun(_ term: UnsafeBufferPointer<UInt8>) {
        let count = term.count
        if runLength + count > runCapacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: (runLength + count) * 2)
            bigger.update(from: run, count: runLength)
            run.deallocate()
            run = bigger
            runCapacity = (runLength + count) * 2
        }
        (run + runLength).update(from: term.baseAddress!, count: count)
        runLength += count
    }

    mutating func flushRun(_ body: (TokenView) -> Void) {
        guard runCount >= 2 else { return }
        let count = runCount
        runCount = 0
        let joined = UnsafeBufferPointer(start: run, count: runLength)
        // The run's buffer holds at least 256 bytes: eight can always be read.
        let first = TermCache.firstWord(joined, eightReadable: true)
        enqueue(
            joined, TermCache.hash(joined, first: first), first, runPosition, count, runStart, runEnd, .compound, body)
    }

    /// Queues a compound, copying its bytes into the batch.
    mutating func enqueue(
        _ term: UnsafeBufferPointer<UInt8>, _ hash: UInt64, _ first: UInt64, _ position: Int, _ length: Int,
        _ start: Int, _ end: Int, _ type: TokenType, _ body: (TokenView) -> Void
    ) {
        if pendingCount == Self.batchSize || pendingBytesUsed + term.count > pendingBytesCapacity {
            drain(body)
            ensurePendingCapacity(term.count)
        }
        let copy = pendingBytes + pendingBytesUsed
        copy.update(from: term.baseAddress!, count: term.count)
        pendingBytesUsed += term.count
        push(
            PendingToken(
                term: copy, termLength: term.count, hash: hash, first: first, position: position, length: length,
                start: start, end: end, type: type))
    }

    @inline(__always)
    mutating func drain(_ body: (TokenView) -> Void) {
        var k = 0
        while k < pendingCount {
            emit(pending + k, body)
            k &+= 1
        }
        pendingCount = 0
        pendingBytesUsed = 0
    }

    @inline(__always)
    mutating func emit(_ token: UnsafePointer<PendingToken>, _ body: (TokenView) -> Void) {
        let term = UnsafeBufferPointer(start: token.pointee.term, count: token.pointee.termLength)
        let hash = token.pointee.hash
        let first = token.pointee.first
        let position = token.pointee.position
        let length = token.pointee.length
        let start = token.pointee.start
        let end = token.pointee.end
        let type = token.pointee.type
        var slot = terms.find(term, hash: hash, first: first)
        if slot.found {
            let isStopword = type == .word && terms.isStopword(slot.bucket)
            if options.removeStopwords && isStopword { return }
            body(
                TokenView(
                    term: terms.output(slot.bucket, scratch: output), position: position, positionLength: length,
                    startOffset: start, endOffset: end, type: type, isStopword: isStopword))
            return
        }
        // A term not met before (or since the cache was last emptied): stem it and remember.
        let stopword = stopwords.id(of: term) != nil
        computeOutput(term, type)
        stemScratch.withUnsafeBufferPointer { output in
            guard TermCache.canStore(term, output: output) else { return }
            if terms.count >= termCacheLimit {
                terms.removeAll()
                slot = terms.find(term, hash: hash, first: first)
            }
            terms.insert(term, hash: hash, output: output, isStopword: stopword, at: slot)
        }
        let isStopword = type == .word && stopword
        if options.removeStopwords && isStopword { return }
        stemScratch.withUnsafeBufferPointer { output in
            body(
                TokenView(
                    term: output, position: position, positionLength: length, startOffset: start, endOffset: end,
                    type: type, isStopword: isStopword))
        }
    }

    /// Puts what this analyzer outputs for `term` into `stemScratch`: its stem, or itself.
    mutating func computeOutput(_ term: UnsafeBufferPointer<UInt8>, _ type: TokenType) {
        stemScratch.removeAll(keepingCapacity: true)
        if options.stem && type != .number && isStemmable(term) {
            // An exception holds for the possessive too ("industry's" is "industry").
            var base = term
            if term.count > 2 && term[term.count - 2] == 0x27 && term[term.count - 1] == 0x73 {
                base = UnsafeBufferPointer(rebasing: term[..<(term.count - 2)])
            }
            if let exception = stemExceptions.id(of: base) {
                stemScratch.append(contentsOf: StemExceptions.english[stemExceptions.string(of: exception)]!.utf8)
            } else {
                stemScratch.append(contentsOf: term)
                stemmer.stem(&stemScratch)
            }
        } else {
            stemScratch.append(contentsOf: term)
        }
    }
}

/// A token found and folded, waiting for its term lookup.
private struct PendingToken {
    /// In the analyzed text or the batch's bytes.
    var term: UnsafePointer<UInt8>
    var termLength: Int
    var hash: UInt64
    /// The term's first eight bytes, as `TermCache.firstWord` reads them.
    var first: UInt64
    var position: Int
    var length: Int
    var start: Int
    var end: Int
    var type: TokenType
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

/// Which of eight bytes continue an ASCII word, each as the high bit of its byte.
private struct WordBytes {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080
    static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// ASCII letters, digits and `_`.
    let word: UInt64
    /// ASCII uppercase letters.
    let uppercase: UInt64

    @inline(__always)
    init(_ bytes: UInt64) {
        // Ranges are tested on the low seven bits, so that no addition carries into the next
        // byte; the bytes whose high bit was set (not ASCII) are dropped at the end.
        let ascii = ~bytes & Self.highs
        let low = bytes & Self.lows
        let letters = Self.inRange(low | Self.ones &* 0x20, 0x61, 0x7A)
        let digits = Self.inRange(low, 0x30, 0x39)
        let other = low ^ Self.ones &* 0x5F
        let underscores = ~(((other & Self.lows) &+ Self.lows) | other) & Self.highs
        word = (letters | digits | underscores) & ascii
        uppercase = Self.inRange(low, 0x41, 0x5A) & ascii
    }

    /// The high bit of each seven-bit byte of `low` from `lo` through `hi`.
    @inline(__always)
    static func inRange(_ low: UInt64, _ lo: UInt64, _ hi: UInt64) -> UInt64 {
        (low &+ ones &* (0x80 &- lo)) & ~(low &+ ones &* (0x7F &- hi)) & highs
    }
}

/// The high bit of each byte of `word` (all ASCII) that is an uppercase letter.
@inline(__always)
private func lettersFromAToZ(_ word: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let atLeastA = word &+ ones &* (0x80 - 0x41)
    let aboveZ = word &+ ones &* (0x7F - 0x5A)
    return atLeastA & ~aboveZ & (ones &* 0x80)
}

@inline(__always) private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
@inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
@inline(__always) private func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
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
