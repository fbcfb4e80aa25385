import MicrogenreCore
public import MicrogenreText

/// Finds known phrases in analyzed text: a trie over analyzed terms, matched longest first.
///
/// Phrases and text go through the same analyzer, so case, plurals, accents and hyphen
/// variants match by themselves ("female-led" matches "female led" and "femaleled").
/// Stopwords are skipped inside phrases and text alike.
public struct PhraseMatcher: Sendable {
    /// What a phrase stands for.
    public struct Entry: Sendable, Hashable {
        /// The tag's index in the taxonomy (-1 for a proper name).
        public var tag: Int
        /// Whether the phrase names the tag (a form or synonym) or only suggests it (a cue).
        public var isNaming: Bool
        /// The phrase as written in the taxonomy.
        public var phrase: String
        /// Whether the phrase speaks against the tag (a taxonomy `against` phrase) instead.
        public var isAgainst = false
        /// Whether the phrase is a person the tag names (a taxonomy `people` name), read even
        /// inside the names a synopsis credits.
        public var isPerson = false

        /// A proper name of the taxonomy's `names` blocks: it stands for no tag, and the
        /// phrases inside it say nothing.
        public static func properName(_ phrase: String) -> Entry {
            Entry(tag: -1, isNaming: false, phrase: phrase)
        }

        /// Whether the entry is a proper name rather than a tag's phrase.
        public var isProperName: Bool { tag < 0 }
    }

    /// A token ready for matching.
    public struct Token: Sendable, Hashable {
        /// The term's id in the matcher's vocabulary, or -1 when no phrase uses the term.
        public var term: Int32
        /// Word position.
        public var position: Int
        /// Positions spanned (compounds span their parts).
        public var positionLength: Int
        /// Byte offsets in the text.
        public var start: Int
        public var end: Int
        /// Whether the token is a joined compound.
        public var isCompound: Bool
        /// Whether the token is a stopword (kept so negation can be seen).
        public var isStopword: Bool
    }

    /// One phrase found in text.
    public struct Match: Sendable, Hashable {
        /// What the phrase stands for (one phrase can stand for several tags' cues).
        public var entries: [Entry]
        /// Byte offsets of the matched text.
        public var start: Int
        public var end: Int
        /// Index of the first matched token, for looking back at negations.
        public var firstToken: Int
    }

    struct Node: Sendable {
        var children: [Int32: Int32] = [:]
        var entries: [Entry] = []
    }

    private var vocabulary = ByteStringTable(capacity: 4096)
    private var nodes: [Node] = [Node()]

    /// Creates an empty matcher.
    public init() {}

    /// The number of distinct terms in the phrases.
    public var termCount: Int { vocabulary.count }

    /// Adds `phrase` (analyzed with `analyzer`) standing for `entry`. Returns the term
    /// sequences it was stored under (empty when the phrase holds only stopwords).
    @discardableResult
    public mutating func add(_ phrase: String, _ entry: Entry, analyzer: Analyzer) -> [[String]] {
        let variants = Self.termVariants(phrase, analyzer: analyzer)
        for terms in variants {
            var node = 0
            for term in terms {
                let id = vocabulary.insert(term).id
                if let next = nodes[node].children[id] {
                    node = Int(next)
                } else {
                    nodes.append(Node())
                    nodes[node].children[id] = Int32(nodes.count - 1)
                    node = nodes.count - 1
                }
            }
            // One entry per tag at a node; a naming phrase outranks a cue, and a person any other.
            if let existing = nodes[node].entries.firstIndex(where: { $0.tag == entry.tag }) {
                let current = nodes[node].entries[existing]
                if entry.isNaming && !current.isNaming || entry.isPerson && !current.isPerson {
                    nodes[node].entries[existing] = entry
                }
            } else {
                nodes[node].entries.append(entry)
            }
        }
        return variants
    }

    /// The term sequences a phrase matches as: its words, and its words with each hyphenated
    /// compound joined.
    public static func termVariants(_ phrase: String, analyzer: Analyzer) -> [[String]] {
        let tokens = analyzer.analyze(phrase).filter { !$0.isStopword }
        let words = tokens.filter { $0.type != .compound }
        guard !words.isEmpty else { return [] }
        var variants: [[String]] = [words.map(\.term)]
        for compound in tokens where compound.type == .compound {
            let span = compound.position..<(compound.position + compound.positionLength)
            var joined: [String] = []
            var placed = false
            for word in words {
                if span.contains(word.position) {
                    if !placed { joined.append(compound.term) }
                    placed = true
                } else {
                    joined.append(word.term)
                }
            }
            if !variants.contains(joined) { variants.append(joined) }
        }
        return variants
    }

    /// The matcher's token for one analyzed token.
    public func token(for view: TokenView) -> Token {
        Token(
            term: vocabulary.id(of: view.term) ?? -1, position: view.position, positionLength: view.positionLength,
            start: view.startOffset, end: view.endOffset, isCompound: view.type == .compound,
            isStopword: view.isStopword)
    }

    /// Analyzes `text` into tokens for ``matches(in:)``. Use an analyzer that keeps stopwords
    /// when negation matters.
    public func tokens(of text: String, analyzer: Analyzer) -> [Token] {
        var tokens: [Token] = []
        var copy = text
        _ = copy.withUTF8 { utf8 in
            analyzer.analyze(utf8) { tokens.append(token(for: $0)) }
        }
        return tokens
    }

    /// Phrase matches, left to right: by default the longest match at each place, without
    /// overlaps (for names and queries); with `overlapping`, every phrase at every word, so
    /// "crime thriller" yields both "crime" and "thriller" (for synopses).
    public func matches(in tokens: [Token], overlapping: Bool = false) -> [Match] {
        let words = tokens.indices.filter { !tokens[$0].isCompound && !tokens[$0].isStopword }
        var compoundsAt: [Int: [Int]] = [:]
        for (k, token) in tokens.enumerated() where token.isCompound {
            compoundsAt[token.position, default: []].append(k)
        }
        var result: [Match] = []
        if overlapping {
            for w in words.indices {
                var found: [(node: Int, end: Int)] = []
                collect(node: 0, word: w, tokens: tokens, words: words, compoundsAt: compoundsAt, found: &found)
                for (node, end) in found {
                    result.append(
                        Match(
                            entries: nodes[node].entries, start: tokens[words[w]].start, end: end, firstToken: words[w])
                    )
                }
            }
            return result
        }
        var w = 0
        while w < words.count {
            var best: (wordEnd: Int, node: Int, end: Int)?
            walk(node: 0, word: w, tokens: tokens, words: words, compoundsAt: compoundsAt, best: &best)
            if let best, !nodes[best.node].entries.isEmpty {
                result.append(
                    Match(
                        entries: nodes[best.node].entries, start: tokens[words[w]].start, end: best.end,
                        firstToken: words[w]))
                w = best.wordEnd
            } else {
                w += 1
            }
        }
        return result
    }

    /// Every phrase starting at word index `word`.
    private func collect(
        node: Int, word: Int, tokens: [Token], words: [Int], compoundsAt: [Int: [Int]],
        found: inout [(node: Int, end: Int)]
    ) {
        guard word < words.count else { return }
        let token = tokens[words[word]]
        if token.term >= 0, let child = nodes[node].children[token.term] {
            if !nodes[Int(child)].entries.isEmpty { found.append((Int(child), token.end)) }
            collect(
                node: Int(child), word: word + 1, tokens: tokens, words: words, compoundsAt: compoundsAt, found: &found)
        }
        for k in compoundsAt[token.position] ?? [] where tokens[k].term >= 0 {
            guard let child = nodes[node].children[tokens[k].term] else { continue }
            let after = token.position + tokens[k].positionLength
            var next = word
            while next < words.count && tokens[words[next]].position < after { next += 1 }
            if !nodes[Int(child)].entries.isEmpty { found.append((Int(child), tokens[k].end)) }
            collect(node: Int(child), word: next, tokens: tokens, words: words, compoundsAt: compoundsAt, found: &found)
        }
    }

    /// Follows the trie from `node` at word index `word`, through single words and compounds,
    /// keeping the match that ends furthest right.
    private func walk(
        node: Int, word: Int, tokens: [Token], words: [Int], compoundsAt: [Int: [Int]],
        best: inout (wordEnd: Int, node: Int, end: Int)?
    ) {
        guard word < words.count else { return }
        let token = tokens[words[word]]
        var steps: [(term: Int32, nextWord: Int, end: Int)] = []
        if token.term >= 0 { steps.append((token.term, word + 1, token.end)) }
        for k in compoundsAt[token.position] ?? [] where tokens[k].term >= 0 {
            let after = token.position + tokens[k].positionLength
            var next = word
            while next < words.count && tokens[words[next]].position < after { next += 1 }
            steps.append((tokens[k].term, next, tokens[k].end))
        }
        for step in steps {
            guard let child = nodes[node].children[step.term] else { continue }
            let childIndex = Int(child)
            if !nodes[childIndex].entries.isEmpty, best == nil || step.end > best!.end {
                best = (step.nextWord, childIndex, step.end)
            }
            walk(
                node: childIndex, word: step.nextWord, tokens: tokens, words: words, compoundsAt: compoundsAt,
                best: &best)
        }
    }
}
