/// What sort of text a token came from.
public enum TokenType: String, Sendable, Hashable {
    /// Letters (any script), possibly with digits.
    case word
    /// Starts with a digit: `1999`, `3.5`, `1990s`.
    case number
    /// The parts of a hyphenated compound joined: `female-led` -> `femaleled`.
    case compound
}

/// One analyzed token: its term and where it came from.
public struct Token: Sendable, Hashable, CustomStringConvertible {
    /// The normalized (folded, stemmed) term.
    public var term: String
    /// Word position; removed stopwords still take one.
    public var position: Int
    /// How many positions the token spans (2 for `femaleled` from `female-led`).
    public var positionLength: Int
    /// UTF-8 byte offset of the first byte in the original text.
    public var startOffset: Int
    /// UTF-8 byte offset just past the last byte.
    public var endOffset: Int
    /// Word, number or compound.
    public var type: TokenType
    /// Whether the word is a stopword (only seen when the analyzer keeps stopwords).
    public var isStopword: Bool = false

    public var description: String { "\(term)@\(position)[\(startOffset)..<\(endOffset)]" }
}

/// A token as the hot path sees it: the term bytes are valid only during the callback.
public struct TokenView {
    /// The normalized term, UTF-8; valid only inside the callback.
    public let term: UnsafeBufferPointer<UInt8>
    /// Word position.
    public let position: Int
    /// Positions spanned.
    public let positionLength: Int
    /// Byte offset of the first byte in the original text.
    public let startOffset: Int
    /// Byte offset past the last byte.
    public let endOffset: Int
    /// Word, number or compound.
    public let type: TokenType
    /// Whether the word is a stopword (only seen when the analyzer keeps stopwords).
    public let isStopword: Bool

    /// Copies the view into an owned token.
    public var token: Token {
        Token(
            term: String(decoding: term, as: UTF8.self), position: position, positionLength: positionLength,
            startOffset: startOffset, endOffset: endOffset, type: type, isStopword: isStopword)
    }
}
