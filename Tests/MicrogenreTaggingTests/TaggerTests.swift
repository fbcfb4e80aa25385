import MicrogenreCore
import MicrogenreTaxonomy
import Testing

@testable import MicrogenreTagging

@Suite struct TaggerTests {
    let tagger = try! Tagger(taxonomy: repositoryTaxonomy)

    func score(_ record: TitleRecord, _ tag: String) -> TagScore? {
        tagger.tag(record).first { $0.tag == TagID(tag) }
    }

    @Test func leadSentenceGenreIsStrongWithOffset() throws {
        let record = film(
            "a", synopsis: "Groundhog Day is a 1993 American fantasy comedy film directed by Harold Ramis.")
        let comedy = try #require(score(record, "comedies"))
        #expect(comedy.score >= 0.85)
        let evidence = try #require(comedy.evidence.first { $0.source == .synopsis })
        #expect(evidence.field == "synopsis" && evidence.offset == 41)
        #expect((score(record, "fantasy")?.score ?? 0) >= 0.85)
    }

    /// The vocabulary of moods, themes and plot devices: viewers' words name the tags in names
    /// and queries, and the reliable phrases suggest them in a synopsis.
    @Test func moodsAndThemesViewersUse() throws {
        let grammar = try GenreGrammar(taxonomy: repositoryTaxonomy)
        for (name, tags) in [
            ("Atmospheric Slow-burn Thrillers", ["atmospheric", "slow-burn", "thrillers"]),
            ("Dramas about Mental Illness", ["dramas", "mental-illness"]),
            ("Disturbing Twist-ending Movies", ["disturbing", "twist-ending", "movies"]),
        ] {
            #expect(Set(grammar.parse(name).tags) == Set(tags.map(TagID.init)), "\(name)")
        }
        let record = film(
            "a",
            synopsis:
                "It is a 1999 drama film. A painter who suffers from schizophrenia is sent to a psychiatric hospital.")
        #expect((score(record, "mental-illness")?.score ?? 0) >= 0.3)
        let twist = film("b", synopsis: "The thriller builds to a twist ending that changes everything.")
        #expect((score(twist, "twist-ending")?.score ?? 0) >= 0.2)
    }

    @Test func negationLowersTheScore() throws {
        let plain = film("a", synopsis: "It is a gentle story. Critics called it a comedy of manners.")
        let negated = film("b", synopsis: "It is a gentle story. Critics said it is not a comedy at all.")
        let plainScore = score(plain, "comedies")?.score ?? 0
        let negatedScore = score(negated, "comedies")?.score ?? 0
        #expect(plainScore >= 0.5)
        #expect(negatedScore < 0.2)
        #expect(score(negated, "comedies")?.evidence.contains { $0.source == .negated } ?? true)
    }

    @Test func aLongerPhraseOfAnotherTagHidesTheWordsInside() {
        let record = film("a", synopsis: "The film was a box office success, earning millions.")
        #expect((score(record, "blockbuster")?.score ?? 0) >= 0.5)
        #expect(score(record, "boxing") == nil)
        #expect(score(record, "workplace") == nil)
    }

    @Test func anAgainstPhraseSpeaksAgainstItsTag() throws {
        let hit = film("a", synopsis: "A quiet drama. It was a box office success, earning millions.")
        #expect((score(hit, "blockbuster")?.score ?? 0) >= 0.5)
        let bomb = film(
            "b", synopsis: "A quiet drama. It was a box office success in Ohio but a box office bomb overall.")
        let blockbuster = try #require(score(bomb, "blockbuster"))
        #expect(blockbuster.score < 0.2)
        #expect(blockbuster.evidence.contains { $0.source == .negated && $0.text == "box office bomb" })
        // "not a box office bomb" says nothing against it.
        let notBomb = film("c", synopsis: "A quiet drama. It was a box office success in Ohio, not a box office bomb.")
        #expect((score(notBomb, "blockbuster")?.score ?? 0) >= 0.5)
        let notFlop = film("d", synopsis: "A quiet drama. It was a box office success in Ohio, not a box office flop.")
        #expect((score(notFlop, "blockbuster")?.score ?? 0) >= 0.5)
        // The distant supervision takes no label from a title speaking against the tag.
        let blockbusterIndex = try #require(repositoryTaxonomy.index(of: TagID("blockbuster")))
        #expect(tagger.explicitTags(hit).contains(blockbusterIndex))
        #expect(!tagger.explicitTags(bomb).contains(blockbusterIndex))
    }

    @Test func wordsOfTheTitleOrACreditedNameAreNotCues() throws {
        var credited = film(
            "a", synopsis: "A 1990 drama film. Christian Slater and Bob Steele play rival ranchers.")
        let uncredited = credited
        credited.people = [Credit(name: "Christian Slater", role: .cast)]
        #expect((score(uncredited, "faith-spirituality")?.score ?? 0) > 0)
        #expect(score(credited, "faith-spirituality") == nil)
        // The title's words in its synopsis are read once, by the title's rules (0.3 here).
        let titled = film("b", "King of the Jungle", synopsis: "King of the Jungle is a 1933 adventure film.")
        let royalty = try #require(score(titled, "royalty"))
        #expect(royalty.score < 0.5 && !royalty.evidence.contains { $0.source == .synopsis })
        #expect(royalty.evidence.contains { $0.source == .title })
        // Elsewhere in the synopsis the same words still count.
        let later = film("c", "King of the Jungle", synopsis: "King of the Jungle is a 1933 film. A king is lost.")
        #expect(score(later, "royalty")?.evidence.contains { $0.source == .synopsis } == true)
    }

    @Test func namesAfterACreditAreNamesToo() {
        // "directed by King Vidor", and a list after "starring", uncredited in the feed.
        let directed = film("a", synopsis: "A 1924 drama film directed by King Vidor. It follows a farmer.")
        #expect(score(directed, "royalty") == nil)
        let listed = film(
            "b", synopsis: "A 1940 Western. It stars Bob Steele, Lois January and Charles King as rivals.")
        #expect(score(listed, "royalty") == nil)
        let initial = film("d", synopsis: "A 1940 Western. It stars Bob Steele, Lois January, and Burton L. King.")
        #expect(score(initial, "royalty") == nil)
        // A nickname in quotes does not end the list; an author's name is a name.
        let nickname = film(
            "e", synopsis: "A 1940 Western. It stars George \"Gabby\" Hayes, Lois January and Carl Comedy.")
        #expect(score(nickname, "comedies") == nil)
        let author = film("f", synopsis: "A 1932 drama film. It is based on the novel by Faith Baldwin.")
        #expect(score(author, "faith-spirituality") == nil)
        // A tag's people are read even where the synopsis credits them.
        let dickens = film("g", synopsis: "A 1935 drama film. It is based on the novel by Charles Dickens.")
        #expect((score(dickens, "based-on-classic-literature")?.score ?? 0) >= 0.5)
        // The name ends with its sentence: the King after it still counts.
        let after = film("c", synopsis: "A 1924 drama film directed by John English. King George of England dies.")
        #expect(score(after, "royalty")?.evidence.contains { $0.source == .synopsis && $0.text == "King" } == true)
    }

    @Test func negationStopsAtTheSentence() {
        let record = film("a", synopsis: "Nobody wins and nothing ends well, not at all. A comedy of errors follows.")
        #expect((score(record, "comedies")?.score ?? 0) >= 0.5)
    }

    @Test func aPhraseDoesNotRunIntoTheNextSentence() {
        let split = film("a", synopsis: "A drama about two brothers who fought in the war. The film was shot in Ohio.")
        // "war" alone is a cue; "war film" would name the genre.
        #expect((score(split, "war")?.score ?? 0) < 0.5)
        #expect(score(split, "war")?.evidence.contains { $0.text.contains("film") } == false)
        let whole = film("b", synopsis: "A drama about two brothers. It is a war film shot in Ohio.")
        #expect((score(whole, "war")?.score ?? 0) >= 0.5)
        // An initial or "vs." is no sentence end.
        #expect(!Tagger.crossesSentenceEnd(ArraySlice("man vs. nature".utf8)))
        #expect(!Tagger.crossesSentenceEnd(ArraySlice("L. B. Mayer".utf8)))
        #expect(Tagger.crossesSentenceEnd(ArraySlice("short. The film".utf8)))
        #expect(Tagger.crossesSentenceEnd(ArraySlice("war; the film".utf8)))
    }

    @Test func derivedWordsDoNotNameTheTagTheirStemDoes() {
        // "mysterious" and "mystery", "Entertainment" and "entertaining", "industry's" and
        // "industrial" share Snowball stems; the analyzer keeps them apart.
        let record = film(
            "a",
            synopsis:
                "A drama released by Lionsgate Entertainment. A mysterious stranger arrives in town. The film industry's critics praised it."
        )
        #expect((score(record, "mysteries")?.score ?? 0) < 0.2)
        #expect((score(record, "fun")?.score ?? 0) < 0.2)
        #expect((score(record, "industrial")?.score ?? 0) < 0.2)
        let mystery = film("b", synopsis: "A 1946 mystery film. A stranger arrives in town.")
        #expect((score(mystery, "mysteries")?.score ?? 0) >= 0.5)
    }

    @Test func darkAloneIsACueAndDarkGenresNameBoth() throws {
        // "a dark secret", "the Dark Lord": the word alone only suggests the tone.
        let secret = film(
            "a",
            synopsis: "Test is a 1999 American drama film about a family. They hide a dark secret from the Dark Lord.")
        #expect((score(secret, "dark")?.score ?? 0) < 0.5)
        // "dark fantasy" names the tone and, through the fantasy tag's cue, keeps the genre.
        let fantasy = film("b", synopsis: "Test is a 1999 American dark fantasy film.")
        #expect((score(fantasy, "dark")?.score ?? 0) >= 0.85)
        #expect((score(fantasy, "fantasy")?.score ?? 0) >= 0.85)
        // "darkly" stays a word of its own (Snowball would make it "dark").
        let darkly = film("c", synopsis: "Test is a 1999 American film. It is darkly funny.")
        #expect((score(darkly, "dark")?.score ?? 0) >= 0.5)
    }

    @Test func aBlackComedyIsDarkAndAComedy() {
        // A combined phrase names both its tags in a synopsis, as in a name or a query; its word
        // "black" says nothing of African-American films.
        let record = film("a", synopsis: "Test is a 1964 British black comedy about a general who starts a war.")
        #expect((score(record, "dark")?.score ?? 0) >= 0.85)
        #expect((score(record, "comedies")?.score ?? 0) >= 0.85)
        #expect((score(record, "african-american")?.score ?? 0) < 0.2)
    }

    @Test func aRecentTitleIsNoClassicFromItsSynopsis() throws {
        // The taxonomy's minimum-age: a classic is an older title.
        let tagger = try Tagger(taxonomy: repositoryTaxonomy)
        tagger.referenceYear = 2026
        func classic(_ record: TitleRecord) -> Double {
            tagger.tag(record).first { $0.tag == TagID("classic") }?.score ?? 0
        }
        let lead = "is a comedy-drama film set during the golden age of Hollywood. It is a classic tale."
        #expect(classic(film("a", "Test", synopsis: "Test \(lead)", year: 2019)) < 0.2)
        #expect(classic(film("b", "Test", synopsis: "Test \(lead)", year: 1952)) >= 0.5)
        // The feed's own genre still names it, at any age.
        #expect(classic(film("c", "Test", synopsis: "Test \(lead)", year: 2019, genres: ["Classics"])) >= 0.9)
        // The age is counted to the reference year.
        tagger.referenceYear = 2050
        #expect(classic(film("d", "Test", synopsis: "Test \(lead)", year: 2019)) >= 0.5)
        // A taxonomy's minimum age must be a number.
        #expect(throws: TaxonomyError.self) {
            try Taxonomy.parse([
                (file: "t.taxonomy", text: "facet f\n  slot: tone\ntag a\n  form: A\n  minimum-age: old\n")
            ])
        }
    }

    @Test func wordsInsideAStudioNameSayNothing() {
        // The taxonomy's names blocks: "20th Century Fox", "Famous Players-Lasky", "American
        // International Pictures" are studios.
        let released = film(
            "a",
            synopsis:
                "Test is a 1950 American drama film released by 20th Century Fox. Famous Players-Lasky and American International Pictures did not."
        )
        #expect((score(released, "twentieth-century")?.score ?? 0) < 0.2)
        #expect((score(released, "fame")?.score ?? 0) < 0.2)
        #expect((score(released, "foreign")?.score ?? 0) < 0.2)
        // An ignore block: the sequel a film spawned makes it no sequel.
        let spawned = film(
            "c", synopsis: "Test is a 1950 American drama film. It was followed by a sequel, Test II (1952).")
        #expect((score(spawned, "sequel")?.score ?? 0) < 0.2)
        let sequel = film("d", synopsis: "Test II is a 1952 American drama film. It is a sequel to Test (1950).")
        #expect((score(sequel, "sequel")?.score ?? 0) >= 0.5)
        // Nominations are no wins.
        let nominated = film(
            "e", synopsis: "Test is a 1966 American comedy film. It was nominated for three Academy Awards.")
        #expect((score(nominated, "oscar-winning")?.score ?? 0) < 0.2)
        let won = film("f", synopsis: "Test is a 1966 American comedy film. It won the Academy Award for Best Picture.")
        #expect((score(won, "oscar-winning")?.score ?? 0) >= 0.5)
        // Outside a name the same words still count.
        let famous = film("b", synopsis: "Test is a 1950 American drama film about a singer who becomes famous.")
        #expect((score(famous, "fame")?.score ?? 0) >= 0.5)
    }

    @Test func wordsThatNameATagOnlyInNamesAndQueries() {
        // Each of these words names its tag in a micro-genre name or a query, but in a synopsis
        // it is mostly something else.
        let record = film(
            "a",
            synopsis:
                "Test is a 1950 American drama film. A woman trains killer whales, a gunman hides from the law after the D-Day invasion, "
                + "a girl leaves boarding school for the South Seas and Hell's Kitchen, all for comic effect, all season long."
        )
        for tag in [
            "serial-killer", "courtroom", "alien", "high-school", "deep-sea", "demon", "comic-books", "holiday",
        ] {
            #expect((score(record, tag)?.score ?? 0) < 0.5, "\(tag)")
        }
        let named = film(
            "b",
            synopsis:
                "Test is a 1990 American serial killer film. A comic book artist and a high school teacher face an alien invasion."
        )
        for tag in ["serial-killer", "comic-books", "high-school", "alien"] {
            #expect((score(named, tag)?.score ?? 0) >= 0.5, "\(tag)")
        }
        let agent = film("c", synopsis: "Test is a 1990 American drama film. An FBI agent hunts a real estate agent.")
        #expect((score(agent, "spy")?.score ?? 0) < 0.5)
        let cia = film("d", synopsis: "Test is a 1990 American drama film. A CIA agent defects.")
        #expect((score(cia, "spy")?.score ?? 0) >= 0.5)
    }

    @Test func longerPhrasesSayWhatTheirWordsDoNot() {
        // A festival's name is no foreign film, a space opera no opera, a future star no
        // future, a print at the Museum of Modern Art nothing contemporary.
        let record = film(
            "a",
            synopsis:
                "Test is a 1977 American space opera film. It premiered at the Berlin International Film Festival with the future star "
                + "Ann Smith; a print survives at the Museum of Modern Art."
        )
        #expect((score(record, "foreign")?.score ?? 0) < 0.2)
        #expect((score(record, "classical-music")?.score ?? 0) < 0.2)
        #expect((score(record, "set-in-the-future")?.score ?? 0) < 0.5)
        #expect((score(record, "contemporary")?.score ?? 0) < 0.2)
        let reviewed = film(
            "b",
            synopsis: "Test is a 1931 American comedy film. It premiered in New York; The New York Times panned it.")
        #expect(score(reviewed, "set-in-new-york") == nil)
        #expect((score(record, "space-travel")?.score ?? 0) >= 0.85)
        #expect((score(record, "festival-favorite")?.score ?? 0) >= 0.5)
    }

    @Test func aNameWordAfterACapitalizedWordIsAName() {
        // royalty's name-words: king, queen, prince.
        let author = film(
            "a", synopsis: "Test is a 1983 American horror film based on the novel by Stephen King and Ellery Queen.")
        #expect((score(author, "royalty")?.score ?? 0) < 0.2)
        let king = film("b", synopsis: "Test is a 1938 American adventure film. The King of France sends for a knight.")
        #expect((score(king, "royalty")?.score ?? 0) >= 0.5)
        let sentence = film("c", synopsis: "Test is a 1938 American adventure film set in Paris. King Louis wages war.")
        #expect((score(sentence, "royalty")?.score ?? 0) >= 0.5)
        #expect(!Tagger.followsACapitalizedWord(4, in: Array("The King".utf8)))
        #expect(Tagger.followsACapitalizedWord(8, in: Array("Stephen King".utf8)))
        #expect(Tagger.followsACapitalizedWord(4, in: Array("Dr. King".utf8)))
        #expect(!Tagger.followsACapitalizedWord(7, in: Array("Paris. King".utf8)))
    }

    @Test func aFormIsNameOnlyWhenANameSynonymIsTheSameWord() {
        // Kids' (the audience's form) beside the name-only "kids": the Dead End Kids are no
        // audience.
        let record = film("a", synopsis: "Test is a 1938 American crime film starring the Dead End Kids and a kid.")
        #expect((score(record, "kids")?.score ?? 0) < 0.2)
    }

    @Test func childTagsRaiseTheirParents() throws {
        let record = film("a", synopsis: "A 1998 heist film about a crew of safecrackers.")
        let crime = try #require(score(record, "crime"))
        #expect(crime.score >= 0.5)
        #expect(crime.evidence.contains { $0.source == .parent && $0.text == "heist" })
    }

    @Test func aLeadNamesTheFilmsRegionNotItsSources() {
        let swedish = film("a", synopsis: "Test is a 2009 Swedish crime thriller film about a journalist.")
        #expect((score(swedish, "swedish")?.score ?? 0) >= 0.85)
        let manga = film(
            "b", synopsis: "Test is a 2017 science fiction film based on the Japanese manga by a Japanese writer.")
        #expect(score(manga, "japanese") == nil)
        #expect(!Tagger.describesAPersonOrWork(after: 6, in: Array("German film".utf8)))
        #expect(Tagger.describesAPersonOrWork(after: 6, in: Array("German novelist".utf8)))
    }

    @Test func metadataGivesEraRegionFormatAndAudience() {
        let record = film(
            "a", synopsis: "A quiet story.", year: 1987, countries: ["GB"],
            rating: MaturityRating(system: "MPAA", value: "G"))
        let tags = Dictionary(uniqueKeysWithValues: tagger.tag(record).map { ($0.tag.rawValue, $0) })
        #expect(tags["1980s"]?.evidence.first?.field == "year")
        #expect((tags["british"]?.score ?? 0) >= 0.9)
        #expect((tags["european"]?.score ?? 0) >= 0.5)
        #expect((tags["movies"]?.score ?? 0) >= 0.9)
        #expect((tags["family-friendly"]?.score ?? 0) >= 0.5)
    }

    @Test func feedGenresAndKeywordsMapThroughSynonyms() throws {
        var record = film("a", synopsis: "A story.", genres: ["Science Fiction", "Romance"])
        record.keywords = ["female-led", "heist"]
        let tags = Set(tagger.tag(record).filter { $0.score >= 0.5 }.map(\.tag.rawValue))
        #expect(tags.isSuperset(of: ["sci-fi", "romantic", "strong-female-lead", "heist", "crime", "sci-fi-fantasy"]))
        let sciFi = try #require(score(record, "sci-fi"))
        #expect(sciFi.evidence.first?.source == .genre && sciFi.evidence.first?.text == "Science Fiction")
    }

    @Test func explicitTagsAreTheDistantLabels() {
        let record = film("a", synopsis: "A 2001 horror film. The house has a garden.", genres: ["Western"])
        let labels = Set(tagger.explicitTags(record).map { repositoryTaxonomy.tags[$0].id.rawValue })
        #expect(labels.isSuperset(of: ["horror", "westerns"]))
        #expect(!labels.contains("hobbies"))
    }
}

@Suite struct LeadGenderTests {
    @Test func aPlotToldInSheAndHerSuggestsAFemaleLead() throws {
        let tagger = try Tagger(taxonomy: repositoryTaxonomy)
        func lead(_ synopsis: String) -> TagScore? {
            tagger.tag(film("a", synopsis: synopsis)).first { $0.tag.rawValue == "strong-female-lead" }
        }
        let hers = lead("A lawyer returns to her hometown, where she takes on the town's biggest employer and wins.")
        #expect(hers != nil && hers!.score >= 0.4)
        #expect(hers?.evidence.contains { $0.text == "she/her x2, he/him x0" } == true)
        #expect(lead("A lawyer returns to his hometown, where he meets her sister and she helps him.") == nil)
        #expect(lead("A lawyer returns to the hometown of the family.") == nil)
    }
}
