import MicrogenreCore
import MicrogenreTaxonomy
import Testing

@testable import MicrogenreTagging

@Suite struct MinerAndEvaluationTests {
    @Test func minedGenresParseBackAndRespectTheRules() throws {
        let taxonomy = repositoryTaxonomy
        let tagger = try Tagger(taxonomy: taxonomy)
        let grammar = try GenreGrammar(taxonomy: taxonomy)
        var records: [TitleRecord] = []
        let synopses = [
            "A dark thriller film about a heist crew planning one last robbery.",
            "A witty workplace comedy film set in a paper company office.",
            "A gritty crime drama film about a detective hunting a serial killer.",
            "A romantic comedy film about two rivals who fall in love.",
        ]
        for k in 0..<40 { records.append(film("t\(k)", synopsis: synopses[k % 4], year: 1980 + k % 2 * 10)) }
        var miner = GenreMiner()
        miner.minimumTitles = 5
        let genres = miner.mine(records.map { (id: $0.id, scores: tagger.tag($0)) }, grammar: grammar)
        #expect(!genres.isEmpty)
        for genre in genres {
            #expect(genre.titles.count >= 5)
            // A title counts once, even when two head nouns reach the same combination.
            #expect(Set(genre.titles).count == genre.titles.count, "\(genre.name)")
            #expect(genre.tags.count <= 4)
            #expect(genre.name.count <= 50)
            #expect(Set(grammar.parse(genre.name).tags) == Set(genre.tags), "\(genre.name)")
            for tag in genre.tags {
                let index = try #require(taxonomy.index(of: tag))
                #expect(!taxonomy.ancestors(of: index).contains { genre.tags.contains(taxonomy.tags[$0].id) })
            }
        }
        #expect(genres.contains { $0.name == "Dark Heist Thrillers" && $0.titles.count == 10 })
        #expect(genres.contains { $0.name == "Witty Workplace Comedies" })
    }

    /// Netflix's grammar fills each slot once (tone twice), a name never says a word twice, two
    /// tags whose titles are the same titles are not stacked, and `specific` orders by facets.
    @Test func namesFillEachSlotOnceAndSayEachThingOnce() throws {
        let taxonomy = repositoryTaxonomy
        let grammar = try GenreGrammar(taxonomy: taxonomy)
        func scores(_ tags: [String]) -> [TagScore] { tags.map { TagScore(tag: TagID($0), score: 0.9, evidence: []) } }
        var tagged: [(id: TitleID, scores: [TagScore])] = []
        for k in 0..<12 {
            tagged.append((TitleID("a\(k)"), scores(["dark", "witty", "quirky", "workplace", "revenge", "comedies"])))
        }
        for k in 0..<30 {
            tagged.append((TitleID("b\(k)"), scores(["sequel", "franchise", "horror"] + (k < 15 ? ["1980s"] : []))))
            tagged.append((TitleID("c\(k)"), scores(["dramas"] + (k < 3 ? ["sequel"] : []))))
            tagged.append((TitleID("d\(k)"), scores(["horror"])))
            tagged.append((TitleID("e\(k)"), scores(["horror"])))
        }
        var miner = GenreMiner()
        miner.minimumTitles = 5
        miner.order = .specific
        let redundancy = miner.mine(tagged, grammar: grammar).map(\.name)
        #expect(!redundancy.contains { $0.contains("Sequel") && $0.contains("Franchise") }, "\(redundancy)")
        #expect(redundancy.contains("Franchise Horror Movies from the 1980s"))
        // Without the overlap rules (every a-title has every tag), the slot rules alone.
        miner.maximumOverlap = 1
        miner.maximumContainment = 2
        let genres = miner.mine(tagged, grammar: grammar)
        let names = genres.map(\.name)
        #expect(names.contains("Dark Witty Workplace Comedies"))
        #expect(
            !names.contains { $0.hasPrefix("Dark Witty Quirky") || $0.hasPrefix("Dark Quirky Witty") }, "three tones")
        #expect(
            !names.contains { $0.contains("Workplace Revenge") || $0.contains("Revenge Workplace") }, "two subjects")
        #expect(zip(genres, genres.dropFirst()).allSatisfy { $0.tags.count >= $1.tags.count })
        #expect(GenreMiner.repeatsAWord("Steamy Steamy Romance Movies"))
        #expect(!GenreMiner.repeatsAWord("Dramas based on Books from the 1990s"))
    }

    /// Checked by hand: comedies TP 2, FP 1, FN 1; dramas TP 1, FN 1.
    @Test func metricsOnAHandCheckedExample() {
        var evaluation = TagEvaluation()
        let comedies = TagID("comedies")
        let dramas = TagID("dramas")
        for (predicted, label) in [(true, true), (true, true), (true, false), (false, true), (false, false)] {
            evaluation.record(tag: comedies, predicted: predicted, label: label)
        }
        for (predicted, label) in [(true, true), (false, true), (false, false)] {
            evaluation.record(tag: dramas, predicted: predicted, label: label)
        }
        let c = evaluation.counts[comedies]!
        #expect(abs(c.precision - 2.0 / 3) < 1e-9 && abs(c.recall - 2.0 / 3) < 1e-9 && abs(c.f1 - 2.0 / 3) < 1e-9)
        let micro = evaluation.micro
        #expect(micro.truePositives == 3 && micro.falsePositives == 1 && micro.falseNegatives == 2)
        #expect(abs(micro.f1 - 2 * 0.75 * 0.6 / 1.35) < 1e-9)
        #expect(abs(evaluation.macro.recall - (2.0 / 3 + 0.5) / 2) < 1e-9)
    }
}

@Suite struct TagAuditTests {
    func score(_ tag: String, _ value: Double, _ evidence: [Evidence]) -> TagScore {
        TagScore(tag: TagID(tag), score: value, evidence: evidence)
    }

    func phrase(_ text: String, _ weight: Double, _ source: Evidence.Source = .synopsis) -> Evidence {
        Evidence(source: source, field: "synopsis", text: text, offset: 0, weight: weight)
    }

    @Test func countsTitlesBySourceAndDecidingPhrase() throws {
        var audit = TagAudit(threshold: 0.5, examplesPerPhrase: 2)
        audit.add(TitleID("a"), [score("royalty", 0.9, [phrase("King", 0.9)])])
        audit.add(TitleID("b"), [score("royalty", 0.9, [phrase("king", 0.9), phrase("queen", 0.2)])])
        audit.add(TitleID("c"), [score("royalty", 0.55, [phrase("King", 0.55)])])
        audit.add(
            TitleID("d"),
            [score("royalty", 0.95, [Evidence(source: .genre, field: "genre", text: "Royalty", weight: 0.95)])])
        // Below the threshold, or only a negation: not counted.
        audit.add(TitleID("e"), [score("royalty", 0.4, [phrase("king", 0.4)])])
        audit.add(
            TitleID("f"), [score("dark", 0.6, [Evidence(source: .negated, field: "synopsis", text: "bomb", weight: 0)])]
        )
        audit.add(TitleID("g"), [score("dark", 0.6, [phrase("grim", 0.6, .title)])])
        let report = audit.report
        #expect(report.map(\.tag) == [TagID("royalty"), TagID("dark")])
        let royalty = try #require(report.first)
        #expect(royalty.titles == 4)
        #expect(royalty.bySource == [.synopsis: 3, .genre: 1])
        #expect(royalty.phrases.map(\.phrase) == ["king"])
        #expect(royalty.phrases.first?.titles == 3)
        #expect(royalty.phrases.first?.examples == [TitleID("a"), TitleID("b")])
        #expect(report[1].titles == 1 && report[1].phrases.first?.phrase == "grim")
    }
}
