import MicrogenreCore
import MicrogenreFeeds
import Testing

@Suite struct OwnFormatTests {
    @Test func readsEveryField() throws {
        let result = read(fixturePath("complete.xml"))
        #expect(result.error == nil)
        #expect(result.warnings.isEmpty)
        let episode = try #require(result["veep-s5e4"])
        #expect(episode.kind == .episode)
        #expect(episode.title == "Veep")
        #expect(episode.subtitle == "Mother")
        #expect(episode.originalTitle == "Thanksgiving")
        #expect(episode.year == 2016)
        #expect(
            episode.synopses == [
                Synopsis(
                    length: .short, language: "en", text: "Selina celebrates Thanksgiving in her own special way."),
                Synopsis(length: .long, language: "fr", text: "Selina célèbre Thanksgiving à sa manière."),
            ])
        #expect(episode.genres == ["Comedy", "Political"])
        #expect(episode.keywords == ["politics", "workplace"])
        #expect(
            episode.people == [
                Credit(name: "Julia Louis-Dreyfus", role: .cast, character: "Selina Meyer"),
                Credit(name: "Dale Stern", role: .director), Credit(name: "David Mandel", role: .writer),
            ])
        #expect(episode.countries == ["US"] && episode.languages == ["en"])
        #expect(episode.rating == MaturityRating(system: "TVPG", value: "TV-MA"))
        #expect(episode.runtimeMinutes == 28)
        #expect(episode.parentID == TitleID("veep"))
        #expect(episode.seasonNumber == 5 && episode.episodeNumber == 4)
        #expect(episode.source?.line == 14)
        #expect(result["veep"]?.kind == .series)
    }

    /// White space in text is collapsed to single spaces and trimmed, wherever it falls
    /// relative to the eight-byte words the fast check reads.
    @Test(arguments: [
        ("plain words here", "plain words here"),
        ("1234567  9", "1234567 9"),
        ("12345678  abc", "12345678 abc"),
        ("1234567 \t9", "1234567 9"),
        ("a\nb", "a b"),
        ("  padded  ", "padded"),
        (
            "one two three four five six seven eight nine ten  eleven",
            "one two three four five six seven eight nine ten eleven"
        ),
        ("x\r\ny", "x y"),
        ("Amélie  à Paris", "Amélie à Paris"),
        ("exactly8", "exactly8"),
    ])
    func whiteSpaceCollapses(raw: String, expected: String) throws {
        let directory = TemporaryDirectory()
        let feed = directory.write(
            "feed.xml", catalog("<title id=\"t\"><name>\(raw)</name><synopsis>\(raw)</synopsis></title>"))
        let result = read(feed)
        let record = try #require(result["t"])
        #expect(record.title == expected)
        #expect(record.synopses.map(\.text) == [expected])
    }

    /// Every short length and every position of a single space, a double space, a tab or a
    /// line feed: element text and attribute values both come out collapsed and trimmed.
    @Test func whiteSpaceCollapsesAtEveryPositionOfShortValues() throws {
        let letters = Array("abcdefghijklmnopqrstu")
        var cases: [String] = []
        for length in 1...19 {
            let word = String(letters[..<length])
            cases.append(word)
            for position in 0...length {
                for insert in [" ", "  ", "\t", "\n", " \n"] {
                    var chars = Array(word)
                    chars.insert(contentsOf: insert, at: position)
                    cases.append(String(chars))
                }
                if position > 0 && position < length - 1 {
                    var chars = Array(word)
                    chars[position] = " "
                    cases.append(String(chars))
                }
            }
        }
        let titles = cases.enumerated().map { k, raw in
            "<title id=\"t\(k)\"><name>\(raw)</name><person character=\"\(raw)\">P</person></title>"
        }
        let result = read(TemporaryDirectory().write("feed.xml", catalog(titles.joined(separator: "\n"))))
        try #require(result.records.count == cases.count)
        for (record, raw) in zip(result.records, cases) {
            // XML turns a tab or line feed in an attribute value into a space before we see it.
            let expected = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
            #expect(record.title == expected, "\(raw.debugDescription)")
            #expect(record.people.first?.character == expected, "\(raw.debugDescription)")
        }
    }

    @Test func gzippedFeedReadsTheSame() {
        let plain = read(fixturePath("complete.xml"))
        let gzipped = read(fixturePath("complete.xml.gz"))
        #expect(gzipped.error == nil)
        #expect(gzipped.records.map(\.id) == plain.records.map(\.id))
        #expect(gzipped.records.map(\.synopses) == plain.records.map(\.synopses))
    }

    @Test func recordWithoutIdOrTitleIsSkippedWithItsLine() {
        let directory = TemporaryDirectory()
        let path = directory.write(
            "feed.xml",
            catalog(
                """
                <title id="a"><name>Kept</name></title>
                <title><name>No id</name></title>
                <title id="c"></title>
                <title id="d"><name>Also kept</name></title>
                """))
        let result = read(path)
        #expect(result.records.map(\.id.rawValue) == ["a", "d"])
        #expect(result.warnings.map(\.location.line) == [4, 5])
        #expect(result.warnings[0].message.contains("without an id"))
        #expect(result.warnings[1].message.contains("'c' without a title"))
    }

    @Test func duplicateIdsLastWinsAndBothLinesAreNamed() throws {
        let directory = TemporaryDirectory()
        let path = directory.write(
            "feed.xml",
            catalog(
                """
                <title id="a"><name>First</name></title>
                <title id="b"><name>Other</name></title>
                <title id="a"><name>Second</name></title>
                """))
        var builder = CatalogBuilder()
        var warnings: [Diagnostic] = []
        for record in read(path).records {
            if let warning = builder.add(record) { warnings.append(warning) }
        }
        #expect(builder.records.map(\.title) == ["Second", "Other"])
        #expect(builder.duplicates == 1)
        let warning = try #require(warnings.first)
        #expect(warning.location.line == 5)
        #expect(warning.message.contains("\(path):3"))
    }

    @Test func unknownKindAndElementsAreWarnedNotFatal() {
        let directory = TemporaryDirectory()
        let path = directory.write(
            "feed.xml",
            catalog(
                """
                <title id="a" kind="webisode"><name>A</name><tagline>x</tagline></title>
                <title id="b"><name>B</name><tagline>y</tagline><year>soon</year></title>
                """))
        let result = read(path)
        #expect(result.records.count == 2)
        #expect(result.records[0].kind == .movie)
        let messages = result.warnings.map(\.message)
        #expect(messages.contains { $0.contains("unknown kind 'webisode'") })
        #expect(messages.filter { $0.contains("<tagline>") }.count == 1)
        #expect(messages.contains { $0.contains("year 'soon'") })
    }

    /// Element names are remembered by the address libxml2 interned them at: across many
    /// records, names that share prefixes or lengths, unknown ones and namespaced ones must
    /// still map to their own fields.
    @Test(arguments: [256, 2, 1]) func elementNamesMapTheSameInEveryRecord(cacheSize: Int) throws {
        let titles = (0..<300).map { k in
            """
            <title id="t\(k)"><name>N\(k)</name><season>\(k % 7)</season><genre>G\(k)</genre>\
            <person role="director">P\(k)</person><parent id="p\(k)"/><personal>x</personal>\
            <episode>\(k % 5)</episode><country>C\(k % 3)</country><x:genre xmlns:x="urn:x">X</x:genre>\
            <keyword>K\(k)</keyword><language>L\(k % 2)</language><runtime>\(90 + k % 9)</runtime></title>
            """
        }
        let path = TemporaryDirectory().write("feed.xml", catalog(titles.joined(separator: "\n")))
        let result = read(path, nameCacheSize: cacheSize)
        try #require(result.records.count == 300)
        for (k, record) in result.records.enumerated() {
            #expect(record.title == "N\(k)")
            #expect(record.seasonNumber == k % 7)
            #expect(record.episodeNumber == k % 5)
            #expect(record.genres == ["G\(k)", "X"])
            #expect(record.keywords == ["K\(k)"])
            #expect(record.people == [Credit(name: "P\(k)", role: .director)])
            #expect(record.parentID == TitleID("p\(k)"))
            #expect(record.countries == ["C\(k % 3)"])
            #expect(record.languages == ["L\(k % 2)"])
            #expect(record.runtimeMinutes == 90 + k % 9)
        }
        #expect(result.warnings.map(\.message).filter { $0.contains("<personal>") }.count == 1)
    }

    /// Kind, synopsis length and role values: matched as written, with white space around
    /// them, as the kind's synonyms, or warned about and read as the default.
    @Test func attributeValuesAreMatchedOrWarnedAbout() throws {
        let directory = TemporaryDirectory()
        let path = directory.write(
            "feed.xml",
            catalog(
                """
                <title id="a" kind=" series "><name>A</name><synopsis length=" long">Text.</synopsis>
                  <person role="director">D</person><person role=" writer ">W</person><person>C</person>
                  <person role="stunts">S</person></title>
                <title id="b" kind="Feature Film"><name>B</name><synopsis length="huge">Short text.</synopsis></title>
                """))
        let result = read(path)
        let a = try #require(result["a"])
        #expect(a.kind == .series)
        #expect(a.synopses.first?.length == .long)
        #expect(a.people.map(\.role) == [.director, .writer, .cast, .other])
        let b = try #require(result["b"])
        #expect(b.kind == .movie)
        #expect(b.synopses.first?.length == .short)
        let messages = result.warnings.map(\.message)
        #expect(messages.contains { $0.contains("unknown person role 'stunts'") })
        #expect(messages.contains { $0.contains("synopsis length 'huge'") })
        #expect(!messages.contains { $0.contains("kind") })
    }

    @Test func unknownRootElementIsAnErrorThatNamesTheFormats() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("feed.xml", "<?xml version=\"1.0\"?>\n<listing><programme/></listing>\n")
        let error = try #require(read(path).error)
        #expect(error.location.line == 2)
        #expect(error.message.contains("<listing>") && error.message.contains("xmltv"))
    }

    @Test func formatOptionOverridesDetection() {
        let directory = TemporaryDirectory()
        let path = directory.write(
            "feed.xml",
            """
            <?xml version="1.0"?>
            <listing><programme channel="c" start="20200101000000"><title>News</title></programme></listing>
            """)
        let result = read(path, options: FeedOptions(format: .xmltv))
        #expect(result.error == nil)
        #expect(result.records.map(\.title) == ["News"])
    }

    @Test func missingFileIsAClearError() throws {
        let error = try #require(read("/nonexistent/feed.xml").error)
        #expect(error.description.hasPrefix("/nonexistent/feed.xml:0: error: cannot open feed"))
    }
}
