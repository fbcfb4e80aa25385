import MicrogenreCore
import MicrogenreTaxonomy
import MicrogenreText
import Testing

@Suite struct TaxonomyTests {
    func problems(_ text: String) -> [String] {
        do {
            _ = try Taxonomy.parse([(file: "t.taxonomy", text: text)])
            return []
        } catch let error as TaxonomyError {
            return error.problems.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func repositoryTaxonomyLoads() {
        let taxonomy = repositoryTaxonomy
        #expect(taxonomy.tags.count > 400)
        for facet in [
            "tone", "genre", "subject", "source", "setting", "era", "region", "audience", "acclaim", "lead", "format",
        ] {
            #expect(taxonomy.facets.contains { $0.id == facet }, "facet \(facet)")
        }
        #expect(taxonomy[TagID("heist")]?.parents == [TagID("crime")])
    }

    @Test(arguments: [
        (
            "facet f\n  slot: tone\ntag a\n  form: A\n  parents: nope\n",
            "t.taxonomy:5: error: tag 'a' has unknown parent 'nope'"
        ),
        (
            "facet f\n  slot: tone\ntag a\n  form: A\ntag a\n  form: B\n",
            "t.taxonomy:5: error: duplicate tag 'a' (first defined at t.taxonomy:3)"
        ),
        (
            "facet f\n  slot: tone\ntag a\n  form: A\n  synonyms: grim\ntag b\n  form: B\n  synonyms: grim\n",
            "t.taxonomy:8: error: phrase 'grim' of tag 'b' already names tag 'a' (as 'grim', t.taxonomy:5)"
        ),
        (
            "facet f\n  slot: tone\ntag a\n  form: A\n  parents: b\ntag b\n  form: B\n  parents: a\n",
            "error: parent cycle: a -> b -> a"
        ),
        ("facet f\n  slot: tone\ntag a\n  form: A\n  colour: red\n", "t.taxonomy:5: error: unknown tag field 'colour'"),
        ("tag a\n  form: A\n", "t.taxonomy:1: error: tag 'a' comes before any facet"),
        ("facet f\n  slot: tone\ntag Bad_Id\n  form: A\n", "t.taxonomy:3: error: 'Bad_Id' is not a valid id"),
        (
            "facet f\n  slot: genre\ntag a\n  synonyms: x\n",
            "t.taxonomy:3: error: genre tag 'a' needs a noun or a modifier"
        ),
        ("facet f\n  slot: middle\n", "t.taxonomy:2: error: unknown slot 'middle'"),
        (
            "facet f\n  slot: tone\ntag a\n  form: A\n  synonyms: grim\ntag b\n  form: B\n  name-synonyms: grims\n",
            "t.taxonomy:8: error: phrase 'grims' of tag 'b' already names tag 'a'"
        ),
        (
            "facet f\n  slot: tone\ntag a\n  form: A\n  cues: box office flop\n  against: box-office flops\n",
            "t.taxonomy:6: error: phrase 'box-office flops' of tag 'a' both names or cues the tag and speaks against it"
        ),
        (
            "facet f\n  slot: tone\ntag a\n  form: A\n  against: the, of\n",
            "t.taxonomy:5: error: phrase 'the' of tag 'a' holds only stopwords"
        ),
        ("  form: A\n", "t.taxonomy:1: error: field 'form' outside a facet, tag, names, ignore or combined block"),
        (
            "facet f\n  slot: tone\ntag a\n  form: A\ncombined ab\n  phrases: a b\n  tags: a, nope\n",
            "t.taxonomy:5: error: combined block 'ab' names unknown tag 'nope'"
        ),
        (
            "facet f\n  slot: tone\ntag a\n  form: A\ncombined ab\n  phrases: a b\n  tags: a\n",
            "t.taxonomy:5: error: combined block 'ab' must name two or more tags"
        ),
        (
            "facet f\n  slot: tone\ntag a\n  form: A\n  cues: grim farce\ntag b\n  form: B\n"
                + "combined ab\n  phrases: grim farces\n  tags: a, b\n",
            "t.taxonomy:8: error: phrase 'grim farces' of combined 'ab' is already a phrase of tag 'a' (t.taxonomy:5)"
        ),
        ("combined ab\n  colour: red\n", "t.taxonomy:2: error: unknown combined field 'colour' (known: phrases, tags)"),
        (
            "facet f\n  slot: tone\ntag a\n  form: A\n  cues: famous\nnames studios\n  phrases: Famous, Paramount\n",
            "t.taxonomy:6: error: phrase 'Famous' of names 'studios' is a phrase of tag 'a' (t.taxonomy:3)"
        ),
        ("names studios\n  colour: red\n", "t.taxonomy:2: error: unknown names field 'colour' (known: phrases)"),
        ("ignore later\n", "t.taxonomy:1: error: ignore block 'later' lists no phrases"),
        (
            "facet f\n  slot: tone\ntag a\n  form: A\n  cues: king\n  name-words: kings, queen\n",
            "t.taxonomy:6: error: name-word 'queen' of tag 'a' is not one of its phrases"
        ),
    ])
    func validationErrorsNameFileAndLine(text: String, expected: String) {
        let found = problems(text)
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }

    /// A synopsis phrase that is one word once its stopwords go is a warning, unless that word
    /// is a phrase of the tag anyway.
    @Test func aPhraseThatIsOneWordWithoutItsStopwordsIsAWarning() throws {
        let taxonomy = try Taxonomy.parse([
            (
                file: "t.taxonomy",
                text:
                    "facet f\n  slot: tone\ntag a\n  form: Odd\n  description: Odd films.\n  cues: she must, sequel to, sequel, won\n"
            )
        ])
        #expect(
            taxonomy.warnings.map(\.description) == [
                "t.taxonomy:6: warning: phrase 'she must' of tag 'a' is only 'must' once its stopwords are dropped: it matches every 'must' in a synopsis"
            ])
        #expect(repositoryTaxonomy.warnings.isEmpty, "\(repositoryTaxonomy.warnings)")
    }

    /// Every tag has one description, of one line; a missing one or one two tags share is a
    /// warning, since meaning could not be evidence of the tag or could not tell them apart.
    @Test func descriptionsAreOneLineEachAndChecked() throws {
        let taxonomy = try Taxonomy.parse([
            (
                file: "t.taxonomy",
                text:
                    "facet f\n  slot: tone\ntag a\n  form: Moody\n  description: Moody films, with rain, and night.\n"
                    + "tag b\n  form: Bold\ntag c\n  form: Calm\n  description: moody films, with rain, and night.\n"
            )
        ])
        #expect(taxonomy[TagID("a")]?.description == "Moody films, with rain, and night.")
        #expect(taxonomy[TagID("a")]?.cues == [], "a description's commas make no phrases")
        #expect(
            taxonomy.warnings.map(\.description) == [
                "t.taxonomy:6: warning: tag 'b' has no description: its meaning cannot be evidence of it",
                "t.taxonomy:10: warning: tag 'c' has the same description as tag 'a': meaning cannot tell them apart",
            ])
        let long = String(repeating: "word ", count: 41)
        #expect(
            problems("facet f\n  slot: tone\ntag a\n  form: Odd\n  description: \(long)\n")
                == ["t.taxonomy:5: error: the description of tag 'a' is 204 characters long, over 200: it is one line"])
        #expect(
            problems("facet f\n  slot: tone\ntag a\n  form: Odd\n  description: One.\n  description: Two.\n")
                == ["t.taxonomy:6: error: tag 'a' has a second description"])
        for tag in repositoryTaxonomy.tags {
            #expect(tag.description != nil, "\(tag.location): tag '\(tag.id)' has no description")
        }
    }

    @Test func nameSynonymsNameTheTagInNamesButNotInSynopses() throws {
        let taxonomy = try Taxonomy.parse([
            (
                file: "t.taxonomy",
                text: "facet f\n  slot: tone\ntag a\n  form: Zany\n  name-synonyms: odd\n"
                    + "tag b\n  form: Deadly\n  name-synonyms: deadly\n  cues: lethal\n"
                    + "tag c\n  form: Grim\n  text-synonyms: grim farce\n"
            )
        ])
        let analyzer = try Analyzer()
        func found(_ matcher: PhraseMatcher, _ text: String) -> Bool {
            !matcher.matches(in: matcher.tokens(of: text, analyzer: analyzer)).isEmpty
        }
        #expect(found(taxonomy.names, "odd") && found(taxonomy.names, "zany"))
        #expect(!found(taxonomy.cues, "an odd story") && found(taxonomy.cues, "a zany story"))
        #expect(taxonomy.tags[0].namingPhrases.contains("odd"))
        // A form listed among the name-only synonyms (any case) is name-only too.
        #expect(found(taxonomy.names, "Deadly Thrillers"))
        #expect(!found(taxonomy.cues, "a deadly virus") && found(taxonomy.cues, "a lethal virus"))
        // A text-only synonym names its tag in a synopsis, but is no name: "Grim Farce" stays
        // two words in a micro-genre name.
        let farce = taxonomy.cues.matches(in: taxonomy.cues.tokens(of: "a grim farce", analyzer: analyzer))
        #expect(farce.contains { $0.entries.contains { $0.tag == 2 && $0.isNaming && $0.phrase == "grim farce" } })
        #expect(
            !taxonomy.names.matches(in: taxonomy.names.tokens(of: "grim farce", analyzer: analyzer)).contains {
                $0.entries.contains { $0.phrase == "grim farce" }
            })
    }

    @Test func aCombinedPhraseNamesEachOfItsTagsInNamesAndSynopses() throws {
        let taxonomy = try Taxonomy.parse([
            (
                file: "t.taxonomy",
                text: "facet f\n  slot: tone\ntag a\n  form: Grim\ntag b\n  form: Farce\n  synonyms: farce\n"
                    + "tag c\n  form: Odd\n  name-synonyms: black\ncombined grim-farce\n  phrases: black farce\n  tags: a, b\n"
            )
        ])
        let analyzer = try Analyzer()
        func tags(_ matcher: PhraseMatcher, _ text: String) -> [Int] {
            matcher.matches(in: matcher.tokens(of: text, analyzer: analyzer)).flatMap { $0.entries.map(\.tag) }.sorted()
        }
        #expect(tags(taxonomy.names, "Black Farces") == [0, 1])
        #expect(tags(taxonomy.names, "black-farce") == [0, 1])
        #expect(tags(taxonomy.names, "black") == [2])
        #expect(tags(taxonomy.cues, "a black farce") == [0, 1])
        #expect(taxonomy.combinedPhrases.map(\.tags) == [ids("a", "b")])
        // It is a phrase of each tag, so the model masks its words as it masks a tag's own.
        #expect(taxonomy.tags[0].supportingPhrases.contains("black farce"))
        #expect(taxonomy.tags[1].supportingPhrases.contains("black farce"))
        #expect(!taxonomy.tags[2].supportingPhrases.contains("black farce"))
        // The repository's: a black comedy is Dark and Comedies, in a micro-genre name too.
        let grammar = try GenreGrammar(taxonomy: repositoryTaxonomy)
        #expect(grammar.parse("Black Comedies").tags == ids("dark", "comedies"))
        #expect(grammar.parse("Black Dramas").tags == ids("african-american", "dramas"))
    }

    @Test func synonymsMatchPluralsHyphensAndCompounds() throws {
        let grammar = try GenreGrammar(taxonomy: repositoryTaxonomy)
        for text in ["female-led", "female led", "femaleled", "Female-Led"] {
            #expect(grammar.parse(text).tags == ids("strong-female-lead"), "\(text)")
        }
        #expect(grammar.parse("workplace comedy").tags == ids("workplace", "comedies"))
        #expect(
            grammar.parse("Dark witty female-led workplace comedies").tags
                == ids("dark", "witty", "strong-female-lead", "workplace", "comedies"))
    }
}
