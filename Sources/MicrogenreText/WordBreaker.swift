internal import CICU

/// Finds word boundaries with ICU's word break iterator (UAX #29 plus dictionaries for
/// Chinese, Japanese, Thai, Khmer, Lao and Burmese). Works on UTF-8 directly through a
/// UText, so boundaries are byte offsets. One per thread; created once and reused.
final class WordBreaker {
    private let iterator: OpaquePointer
    private var text: UnsafeMutablePointer<UText>?

    /// Opens a root-locale word break iterator (`ubrk_open(UBRK_WORD, "", ...)`).
    init() throws {
        var status = U_ZERO_ERROR
        guard let iterator = cicu_word_break_open("", &status), status.rawValue <= U_ZERO_ERROR.rawValue else {
            throw icuError("ubrk_open", status)
        }
        self.iterator = iterator
    }

    deinit {
        cicu_break_close(iterator)
        if let text { _ = cicu_utext_close(text) }
    }

    /// Calls `body` with the byte range (relative to `utf8`) of each word: letters, numbers,
    /// kana or ideographs, never spaces or punctuation.
    func forEachWord(in utf8: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) throws -> Void) throws {
        var status = U_ZERO_ERROR
        text = utf8.withMemoryRebound(to: CChar.self) { chars in
            cicu_utext_open_utf8(text, chars.baseAddress, Int64(chars.count), &status)
        }
        if status.rawValue > U_ZERO_ERROR.rawValue { throw icuError("utext_openUTF8", status) }
        cicu_break_set_utext(iterator, text, &status)
        if status.rawValue > U_ZERO_ERROR.rawValue { throw icuError("ubrk_setUText", status) }
        var start = Int(cicu_break_first(iterator))
        while true {
            let end = Int(cicu_break_next(iterator))
            if end < 0 { break }
            if cicu_break_rule_status(iterator) >= cicu_word_none_limit { try body(start..<end) }
            start = end
        }
    }
}
