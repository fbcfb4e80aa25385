import MicrogenreCore
import MicrogenreFeeds
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct BadInputTests {
    @Test func malformedXMLKeepsTheRecordsBeforeTheFault() throws {
        let directory = TemporaryDirectory()
        let path = directory.write(
            "feed.xml",
            catalog(
                """
                <title id="x"><name>One</name></title>
                <title id="y"><name>Two</name>
                <title id="z"><name>Three</name></title>
                """))
        let result = read(path)
        #expect(result.records.map(\.id.rawValue) == ["x"])
        let error = try #require(result.error)
        #expect(error.location.line == 6)
        #expect(error.location.column == 11)
        #expect(error.message.contains("tag mismatch"))
        #expect(error.description.hasPrefix("\(path):6:11: error:"))
    }

    /// Far from the start, a fault must not cost the records the parser read ahead past.
    @Test func malformedXMLDeepInAFeedKeepsEveryGoodRecord() throws {
        let directory = TemporaryDirectory()
        var body = (0..<3000).map { "<title id=\"t\($0)\"><name>Title \($0)</name></title>" }.joined(separator: "\n")
        body += "\n<title id=\"bad\"><name>Broken</nam></title>\n<title id=\"after\"><name>After</name></title>"
        let result = read(directory.write("feed.xml", catalog(body)))
        #expect(result.records.count == 3000)
        #expect(result.records.last?.id.rawValue == "t2999")
        #expect(result.error?.location.line == 3003)
    }

    @Test func invalidUTF8IsReportedWithItsPosition() throws {
        let directory = TemporaryDirectory()
        let text =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<catalog>\n<title id=\"a\"><name>Fine</name></title>\n<title id=\"b\"><name>Caf"
        let bytes = Array(text.utf8) + [0xE9] + Array("</name></title>\n</catalog>\n".utf8)
        let result = read(directory.write("feed.xml", bytes: bytes))
        #expect(result.records.map(\.id.rawValue) == ["a"])
        let error = try #require(result.error)
        #expect(error.location.line == 4)
        #expect(error.location.column != nil)
        #expect(error.message.contains("UTF-8"))
    }

    @Test func wrongDeclaredEncodingIsReported() throws {
        let directory = TemporaryDirectory()
        let labelled = directory.write(
            "feed.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<catalog><title id=\"a\"><name>A</name></title></catalog>\n")
        let error = try #require(read(labelled).error)
        #expect(error.message.contains("UTF-16"))
        let unknown = directory.write("unknown.xml", "<?xml version=\"1.0\" encoding=\"KLINGON-8\"?>\n<catalog/>\n")
        #expect(try #require(read(unknown).error).message.lowercased().contains("encoding"))
    }

    @Test func latin1FeedIsDecoded() throws {
        let directory = TemporaryDirectory()
        let bytes =
            Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<catalog><title id=\"a\"><name>Caf".utf8) + [0xE9]
            + Array("</name></title></catalog>\n".utf8)
        let result = read(directory.write("feed.xml", bytes: bytes))
        #expect(result.records.first?.title == "Café")
    }

    /// An external entity naming a local file must not leak a byte of it.
    @Test func externalEntitiesAreNeverLoaded() throws {
        let directory = TemporaryDirectory()
        let secret = directory.write("secret.txt", "TOP-SECRET-MARKER")
        let dtd = directory.write("evil.dtd", "<!ENTITY leak \"TOP-SECRET-MARKER\">")
        let path = directory.write(
            "feed.xml",
            """
            <?xml version="1.0"?>
            <!DOCTYPE catalog [
              <!ENTITY xxe SYSTEM "file://\(secret)">
              <!ENTITY % remote SYSTEM "file://\(dtd)">
              %remote;
            ]>
            <catalog>
              <title id="a"><name>Before &xxe; after</name><synopsis>&xxe;</synopsis></title>
              <title id="b"><name>Second &passwd;</name></title>
            </catalog>
            """.replacingOccurrences("&passwd;", with: ""))
        let result = read(path)
        let everything =
            result.records.map { "\($0)" }.joined() + result.warnings.map(\.message).joined()
            + (result.error?.message ?? "")
        #expect(!everything.contains("TOP-SECRET-MARKER"))
        #expect(!everything.contains("root:"))
        #expect(result.records.first?.title == "Before after")
        #expect(result.warnings.contains { $0.message.contains("external entity '&xxe;' not loaded") })
    }

    @Test func entityExpansionBombIsRefusedWithinASecond() throws {
        var entities = "<!ENTITY lol0 \"lollollollollollollollollollol\">\n"
        for level in 1...9 {
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n"
        }
        let directory = TemporaryDirectory()
        let path = directory.write(
            "bomb.xml",
            """
            <?xml version="1.0"?>
            <!DOCTYPE catalog [
            \(entities)]>
            <catalog>
              <title id="ok"><name>Fine</name></title>
              <title id="boom"><name>&lol9;</name></title>
            </catalog>
            """)
        let start = clock()
        let result = read(path)
        let seconds = Double(clock() - start) / Double(CLOCKS_PER_SEC)
        #expect(seconds < 1)
        let error = try #require(result.error)
        #expect(error.message.contains("entit"))
        #expect(result.records.map(\.id.rawValue) == ["ok"])
    }

    /// A flat entity repeated many times (quadratic blowup) hits the per-record budget.
    @Test func repeatedLargeEntityHitsTheExpansionBudget() throws {
        let directory = TemporaryDirectory()
        let big = String(repeating: "x", count: 10_000)
        let path = directory.write(
            "feed.xml",
            """
            <?xml version="1.0"?>
            <!DOCTYPE catalog [<!ENTITY big "\(big)">]>
            <catalog><title id="a"><name>A</name><synopsis>\(String(repeating: "&big;", count: 100))</synopsis></title></catalog>
            """)
        let error = try #require(read(path).error)
        #expect(error.message.contains("more than 65536 bytes"))
        #expect(error.location.line == 3)
    }

    @Test func hugeFieldsAreTruncatedWithAWarning() throws {
        let directory = TemporaryDirectory()
        let long = String(repeating: "é", count: 20_000)  // 40,000 bytes
        let path = directory.write(
            "feed.xml",
            catalog(
                """
                <title id="a">
                  <name>\(String(repeating: "n", count: 5_000))</name>
                  <synopsis>\(long)</synopsis>
                </title>
                """))
        let result = read(path)
        let record = try #require(result.records.first)
        #expect(record.title.utf8.count == 1_024)
        #expect(record.synopses[0].text.utf8.count == 16_384)
        #expect(record.synopses[0].text.allSatisfy { $0 == "é" })
        #expect(result.warnings.map(\.location.line) == [4, 5])
        #expect(result.warnings.allSatisfy { $0.message.contains("truncated") })
    }

    @Test func listsPastTheLimitAreCutWithOneWarningEach() throws {
        let directory = TemporaryDirectory()
        let path = directory.write(
            "feed.xml",
            catalog(
                """
                <title id="a">
                  <name>A</name>
                  <genre>One</genre>
                  <genre>Two</genre>
                  <genre>Three</genre>
                  <genre>Four</genre>
                  <person>P1</person>
                  <person role="director">P2</person>
                  <person>P3</person>
                </title>
                <title id="b">
                  <name>B</name>
                  <person>Q1</person>
                  <person>Q2</person>
                  <person>Q3</person>
                </title>
                """))
        let result = read(path, options: FeedOptions(maxListEntries: 2))
        #expect(result.records.map(\.genres) == [["One", "Two"], []])
        #expect(result.records.map { $0.people.map(\.name) } == [["P1", "P2"], ["Q1", "Q2"]])
        #expect(result.records[0].people.map(\.role) == [.cast, .director])
        // The first dropped entry's line, once per list and record.
        #expect(result.warnings.map(\.location.line) == [7, 11, 17])
        #expect(result.warnings.allSatisfy { $0.message.contains("the rest are dropped") })
    }

    /// Feeds too deep or with text nodes beyond libxml2's hard limits are refused cleanly.
    @Test func giganticTextNodeIsAnErrorNotACrash() throws {
        let directory = TemporaryDirectory()
        let path = directory.write(
            "feed.xml",
            catalog(
                "<title id=\"a\"><name>A</name></title>\n<title id=\"b\"><name>B</name><synopsis>"
                    + String(repeating: "word ", count: 2_200_000) + "</synopsis></title>"))
        let result = read(path)
        #expect(result.records.first?.id.rawValue == "a")
        if let error = result.error {
            #expect(error.message.lowercased().contains("huge") || error.message.contains("limit"))
        } else {
            #expect(result.records.last?.synopses.first?.text.utf8.count == 16_384)
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
