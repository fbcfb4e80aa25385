import MicrogenreCore
import MicrogenreTaxonomy
import Testing

@Suite struct GrammarTests {
    let grammar = try! GenreGrammar(taxonomy: repositoryTaxonomy)

    /// Facets render in the grammar's slot order, whatever order they come in.
    @Test(arguments: [
        (["comedies", "dark", "critically-acclaimed", "workplace"], "Critically-acclaimed Dark Workplace Comedies"),
        (["strong-female-lead", "thrillers", "sci-fi"], "Sci-Fi Thrillers Featuring a Strong Female Lead"),
        (["based-on-books", "period-pieces", "british"], "British Period Pieces based on Books"),
        (["1980s", "movies", "cult", "scary"], "Scary Cult Movies from the 1980s"),
        (["dramas", "tv", "dark"], "Dark TV Dramas"),
        (["crime", "thrillers"], "Crime Thrillers"),
        (["ages-8-10", "animation"], "Animation for ages 8 to 10"),
        (["royalty", "dramas", "based-on-real-life"], "Dramas about Royalty based on Real Life"),
        // The moods and themes viewers describe films by.
        (["horror", "atmospheric", "1970s"], "Atmospheric Horror Movies from the 1970s"),
        (["mental-illness", "dramas", "bittersweet"], "Bittersweet Dramas about Mental Illness"),
        (["thrillers", "twist-ending", "dark"], "Dark Twist-ending Thrillers"),
    ])
    func rendersInSlotOrder(tags: [String], name: String) {
        #expect(grammar.render(tags.map(TagID.init)) == name)
    }

    @Test func nameNeedsAHeadNoun() {
        #expect(grammar.render(ids("dark", "witty")) == nil)
        #expect(grammar.render(ids("dark", "movies")) == "Dark Movies")
    }

    @Test func namesAreAtMostFiftyCharacters() {
        let long = ids(
            "critically-acclaimed", "visually-striking", "dysfunctional-family", "comedies", "strong-female-lead")
        #expect(grammar.render(long) == nil)
        let fits = try! #require(grammar.render(ids("critically-acclaimed", "dark", "comedies")))
        #expect(fits.count <= GenreGrammar.maximumLength)
    }

    @Test func personSlot() {
        let parsed = grammar.parse("Movies starring Anna Karina")
        #expect(parsed.tags == ids("movies"))
        #expect(parsed.person == PersonSlot(role: .starring, name: "Anna Karina"))
        #expect(parsed.isComplete)
        #expect(grammar.parse("Directed by Agnès Varda").person?.role == .directedBy)
        #expect(
            grammar.render(ids("dramas"), person: PersonSlot(role: .starring, name: "Meg Ryan"))
                == "Dramas starring Meg Ryan")
    }

    @Test func unknownWordsAreReported() {
        let parsed = grammar.parse("Dark Zorblax Comedies")
        #expect(parsed.tags == ids("dark", "comedies"))
        #expect(parsed.unknownWords == ["Zorblax"])
        #expect(!parsed.isComplete)
    }

    /// Rendering a combination and parsing the name gives the same facets, for every pair of a
    /// genre with a facet of every other slot.
    @Test func renderThenParseRoundTrips() {
        let taxonomy = repositoryTaxonomy
        let heads = ["comedies", "dramas", "thrillers", "documentaries", "horror", "westerns"].map(TagID.init)
        var checked = 0
        for head in heads {
            for tag in taxonomy.tags where tag.slot != .genre && tag.slot != .format {
                guard let name = grammar.render([head, tag.id]) else { continue }
                let parsed = grammar.parse(name)
                if Set(parsed.tags) == Set([head, tag.id]) && parsed.isComplete {
                    checked += 1
                } else {
                    Issue.record("\(name) parsed as \(parsed.tags), unknown \(parsed.unknownWords)")
                }
            }
        }
        #expect(checked > 1000)
    }
}
