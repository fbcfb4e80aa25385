import MicrogenreCore
import Testing

@testable import MicrogenreText

@Suite struct AnalyzerTests {
    /// Folding and segmentation across scripts, without stemming or stopwords.
    @Test(arguments: [
        ("Amélie", ["amelie"]),
        ("Straße", ["strasse"]),
        ("CAFÉ crème brûlée", ["cafe", "creme", "brulee"]),
        ("Ærø Łódź Øresund", ["aero", "lodz", "oresund"]),
        ("ＦＵＬＬ ｗｉｄｔｈ", ["full", "width"]),
        ("ﬁlm ﬂight", ["film", "flight"]),
        ("ΟΔΥΣΣΕΥΣ", ["οδυσσευσ"]),
        ("Война и мир", ["воина", "и", "мир"]),
        ("東京物語", ["東京", "物語"]),
        ("我爱北京天安门", ["我", "爱", "北京", "天安门"]),
        ("となりのトトロ", ["となり", "の", "トトロ"]),
        ("ภาษาไทยง่ายนิดเดียว", ["ภาษา", "ไทย", "ง่าย", "นิด", "เดียว"]),
        ("기생충 영화", ["기생충", "영화"]),
        (
            "don’t stop — it's 3.5 or 1,000 U.S. dollars",
            ["don't", "stop", "it's", "3.5", "or", "1,000", "u.s", "dollars"]
        ),
        ("snake_case and e-mail", ["snake_case", "and", "e", "mail", "email"]),
    ])
    func exactTerms(text: String, terms: [String]) throws {
        let analyzer = try Analyzer(options: .exact)
        #expect(analyzer.terms(text) == terms)
    }

    /// Capitalized ASCII words are lowered eight bytes at a time where the text allows: words of
    /// every length, at every distance from the end of the text, with and without a typographic
    /// apostrophe, lower the same as byte by byte.
    @Test func uppercaseIsLoweredAtEveryLengthAndPlace() throws {
        let analyzer = try Analyzer(options: .exact)
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for length in 1...30 {
            // Every letter at every place in a word: the alphabet, started anew at each length.
            let word = String((0..<length).map { letters[($0 + length) % 26] })
            for tail in ["", "x", "xyz", " tail words here"] {
                for text in [word + tail, "Mixed" + word + tail, word + "’S" + tail] {
                    let expected = text.split(separator: " ").map {
                        String($0).lowercased().replacingOccurrences("’", with: "'")
                    }
                    #expect(analyzer.terms(text) == expected, "\(text)")
                }
            }
        }
        // Brackets and quotes next to letters are not letters: they split words.
        #expect(analyzer.terms("@AZ[`az{") == ["az", "az"])
    }

    /// ASCII words end where a byte is not a letter, digit or `_`, found eight bytes at a time:
    /// every separator class at every distance from the word's start and the text's end.
    @Test func wordsEndAtEverySeparatorAndPlace() throws {
        let analyzer = try Analyzer(
            options: AnalyzerOptions(stem: false, removeStopwords: false, catenateHyphenated: false))
        let alphabet = Array("aZ9_bY0_cX")
        // Neighbours of the ranges the scan tests: '/' ':' '@' '[' '`' '{', and DEL, '!', '~'.
        for separator in ["/", ":", "@", "[", "`", "{", "\u{7F}", "!", "~", " ", ",", "-"] {
            for length in 1...19 {
                // A word starts with a letter or digit; `_` only continues one.
                let word = "W" + String((1..<length).map { alphabet[($0 + length) % alphabet.count] })
                for tail in ["", "z", "tail1", "longer_tail_word"] {
                    let text = word + separator + tail
                    let expected = [word.lowercased()] + (tail.isEmpty ? [] : [tail])
                    #expect(analyzer.terms(text) == expected, "\(text.debugDescription)")
                }
            }
        }
    }

    /// The search chain: stopwords out, English stems, compounds joined.
    @Test(arguments: [
        ("Dark Witty Workplace Comedies", ["dark", "witti", "workplac", "comedi"]),
        ("a story of the revenge of a father", ["stori", "reveng", "father"]),
        ("female-led", ["femal", "led", "femalel"]),
        ("femaleled", ["femalel"]),
        ("coming-of-age drama", ["come", "age", "comingofag", "drama"]),
        ("Amélie’s Paris", ["ameli", "pari"]),
        // Stem exceptions, possessives included: a mysterious stranger is no mystery.
        ("a mysterious mystery", ["mysterious", "mysteri"]),
        ("the industry's industrial films", ["industry", "industri", "film"]),
        ("Entertainment’s entertaining", ["entertainment", "entertain"]),
        ("sixty sixties", ["sixty", "sixti"]),
        ("darkly dark", ["darkly", "dark"]),
    ])
    func searchTerms(text: String, terms: [String]) throws {
        let analyzer = try Analyzer()
        #expect(analyzer.terms(text).sorted() == terms.sorted())
    }

    @Test func compoundSpansItsParts() throws {
        let tokens = try Analyzer().analyze("a female-led film")
        let compound = try #require(tokens.first { $0.type == .compound })
        #expect(compound.term == "femalel")
        #expect(compound.position == 1)
        #expect(compound.positionLength == 2)
        #expect(compound.startOffset == 2 && compound.endOffset == 12)
        #expect(tokens.filter { $0.type == .word }.map(\.position) == [1, 2, 3])
    }

    @Test func stopwordsKeepTheirPositions() throws {
        let tokens = try Analyzer().analyze("the man in the moon")
        #expect(tokens.map(\.term) == ["man", "moon"])
        #expect(tokens.map(\.position) == [1, 4])
    }

    @Test func byteOffsetsPointAtTheSource() throws {
        let text = "Amélie meets 東京 in “Paris”"
        let bytes = Array(text.utf8)
        let tokens = try Analyzer(options: .exact).analyze(text)
        let sources = tokens.map { String(decoding: bytes[$0.startOffset..<$0.endOffset], as: UTF8.self) }
        #expect(sources == ["Amélie", "meets", "東京", "in", "Paris"])
    }

    /// Offsets stay in bounds and positions never go backwards, whatever the input.
    @Test(arguments: [
        "", "   ", "—", "a", "Hello, world!", "x-y-z", "-leading and trailing-", "e\u{301}cole naïve",
        "日本語のテキストとEnglish mixed123", "๑๒๓ ภาษาไทย", "\u{0}\u{7}bell", "ok\u{FFFD}bad",
        String(repeating: "word ", count: 500),
        "end.Then", "'quoted' \"double\"", "emoji 🎬 film 👍🏽 ok",
    ])
    func tokensAreWellFormed(text: String) throws {
        let count = text.utf8.count
        for options in [AnalyzerOptions.search, .exact] {
            var lastPosition = -1
            for token in try Analyzer(options: options).analyze(text) {
                #expect(0 <= token.startOffset && token.startOffset < token.endOffset && token.endOffset <= count)
                #expect(!token.term.isEmpty)
                #expect(token.positionLength >= 1)
                if token.type != .compound {
                    #expect(token.position > lastPosition)
                    lastPosition = token.position
                }
            }
        }
    }

    /// One analyzer reused across many texts gives the same tokens as a fresh one.
    @Test func reuseGivesTheSameTokens() throws {
        let texts = ["Amélie’s dark comedy", "東京物語", "female-led heist thriller", "the quick brown fox"]
        let shared = try Analyzer()
        for _ in 0..<3 {
            for text in texts { #expect(shared.analyze(text) == (try Analyzer()).analyze(text)) }
        }
    }

    /// Words the term cache stores inline, in its overflow area (key and stem over 20 bytes), and
    /// not at all (over 255 bytes) come out the same on first sight and from the cache, and the
    /// same as from a fresh analyzer.
    @Test func cachedTermsMatchFreshOnes() throws {
        let long = String(repeating: "x", count: 300) + "ies"
        let text = "comedies happy supercalifragilisticexpialidocious internationalizations \(long) nationalities"
        let shared = try Analyzer()
        let first = shared.analyze(text)
        #expect(first.map(\.term).contains("comedi") && first.map(\.term).contains("happi"))
        #expect(first.contains { $0.term.utf8.count > 255 })
        for _ in 0..<2 { #expect(shared.analyze(text) == first) }
        #expect(try Analyzer().analyze(text) == first)
    }

    /// Tokens wait in batches of 32 for their lookups; compounds and words must keep their
    /// order and positions across batch boundaries and through very long hyphen chains.
    @Test func batchesKeepOrderAndPositions() throws {
        let chain = (0..<70).map { "w\($0)" }.joined(separator: "-")
        let text = (0..<40).map { "word\($0)" }.joined(separator: " ") + " " + chain + " tail"
        let tokens = try Analyzer(options: .exact).analyze(text)
        let words = tokens.filter { $0.type != .compound }
        #expect(words.map(\.position) == Array(0..<words.count))
        #expect(words.count == 40 + 70 + 1)
        let compound = try #require(tokens.first { $0.type == .compound })
        #expect(compound.position == 40 && compound.positionLength == 70)
        #expect(compound.term == (0..<70).map { "w\($0)" }.joined())
        #expect(tokens.last?.term == "tail")
        let compoundIndex = try #require(tokens.firstIndex { $0.type == .compound })
        #expect(tokens[compoundIndex - 1].term == "w69" && tokens[compoundIndex + 1].term == "tail")
    }

    /// More distinct words than the term cache first has room for: it grows and keeps them all.
    @Test func termCacheGrowsWithoutLosingTerms() throws {
        // Letters only, so that the stemmer takes them: 12345 -> "bcdef".
        func letters(_ n: Int) -> String {
            String(String(n).unicodeScalars.map { Character(Unicode.Scalar($0.value + 49)!) })
        }
        let words = (0..<70_000).map { "term\(letters($0))s" }
        let text = words.joined(separator: " ")
        let shared = try Analyzer()
        let first = shared.terms(text)
        #expect(first.count == words.count)
        #expect(shared.terms(text) == first)
        #expect(shared.terms("termbcdefs termgjjjjs") == ["termbcdef", "termgjjjj"])
    }

    /// Values analyzed one after the other, each starting at the positions the ones before took
    /// (stopwords included), give the terms and positions of the values joined by ". ".
    @Test(arguments: [
        ["Julia Louis-Dreyfus", "Tony Hale", "Anna Chlumsky"],
        ["The Who", "It", "Amélie Poulain", "東京物語"],
        ["Drama", "Coming-of-age", "female-led", "U.S. politics"],
        ["Jean-", "-Luc", "O'", "3.", "5"],
    ])
    func valuesRunOnAsIfJoined(values: [String]) throws {
        let analyzer = try Analyzer()
        let joined = analyzer.analyze(values.joined(separator: ". ")).map { "\($0.term)@\($0.position)" }
        var separate: [String] = []
        var shift = 0
        for value in values {
            var copy = value
            let start = shift
            shift += copy.withUTF8 { utf8 in
                analyzer.analyze(utf8) {
                    separate.append("\(String(decoding: $0.term, as: UTF8.self))@\($0.position + start)")
                }
            }
        }
        #expect(separate == joined)
    }

    /// A term cache that fills up is emptied and starts again, and tokens come out the same.
    @Test func fullTermCacheStartsAgain() throws {
        let words = (0..<500).map { "word\(String($0, radix: 26))ing" }.joined(separator: " ")
        let small = try Analyzer(options: .search, termCacheLimit: 64)
        let expected = try Analyzer().analyze(words)
        for _ in 0..<3 { #expect(small.analyze(words) == expected) }
    }

    /// A word is hashed from one eight-byte load where eight bytes can be read, byte by byte
    /// at the very end of a text: both must find the same cache entry, at every length, as
    /// must copies (capitalized words) and compounds.
    @Test func aWordHasOneCacheEntryWhereverItStands() throws {
        let analyzer = try Analyzer(options: .exact)
        for length in 1...20 {
            let word = String(String("abcdefghijklmnopqrstuvwxyz").prefix(length))
            let capitalized = word.prefix(1).uppercased() + word.dropFirst()
            for text in [word, "x \(word)", "\(word) and more words", capitalized, "x \(capitalized) x"] {
                _ = analyzer.analyze(text)
            }
        }
        // The twenty words, "x", and "and", "more", "words".
        #expect(analyzer.cachedTermCount == 24)
        let compounds = try Analyzer(options: .exact)
        _ = compounds.analyze("female-led")
        _ = compounds.analyze("a female-led story")
        #expect(compounds.cachedTermCount == 5)  // female, led, femaleled, a, story
    }

    /// The ISO code lists committed in MicrogenreCore are ICU's.
    @Test func isoCodesMatchICU() {
        #expect(ISOCodes.countries == Set(ICULocales.countries))
        #expect(ISOCodes.languages == Set(ICULocales.languages))
        #expect(ISOCodes.isLanguageTag("en-GB") && ISOCodes.isLanguageTag("cmn-Hans-CN"))
        #expect(!ISOCodes.isLanguageTag("HK") && !ISOCodes.isLanguageTag("english") && !ISOCodes.isLanguageTag(""))
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
