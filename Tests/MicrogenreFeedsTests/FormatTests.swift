import MicrogenreCore
import MicrogenreFeeds
import Testing

/// Each supported format, read from the real samples under Corpus/samples.
@Suite struct FormatTests {
    func sample(_ name: String) -> ReadResult { read(repositoryPath("Corpus/samples/\(name)")) }

    /// Jellyfin's real UK listing: ISO-8859-1, gzipped, elements out of DTD order.
    @Test func xmltvUKListingYieldsEveryProgramme() throws {
        let result = sample("jellyfin_UK_Data.xml.gz")
        #expect(result.error == nil)
        #expect(result.records.count == 1_964)
        #expect(Set(result.records.map(\.id)).count == 1_964)
        #expect(result.records.filter { !$0.synopses.isEmpty }.count == 1_710)
        #expect(result.records.filter { !$0.genres.isEmpty }.count == 1_921)
        let fake = try #require(result.records.first { $0.title == "Fake Britain" })
        #expect(fake.synopses.first?.text.hasPrefix("The 'edible' glitter") == true)
        #expect(result.records.contains { $0.people.contains { $0.role == .director } })
    }

    @Test func xmltvFieldsAndNumbering() throws {
        let result = sample("mediaxml_epg.xml")
        #expect(result.error == nil && result.records.count == 10)
        let mystery = try #require(result.records.first { $0.subtitle == "Foyle's War, Series IV: Bleak Midwinter" })
        #expect(mystery.kind == .episode)
        #expect(mystery.title == "Mystery!")
        #expect(mystery.genres == ["Anthology", "Mystery", "Series"])
        #expect(mystery.year == 2007)
        let custom = try #require(sample("jellyfin_custom.xml").records.first)
        #expect(custom.people.contains(Credit(name: "Daya Vaidya", role: .cast, character: "Det. Nina Inara")))
    }

    @Test func movieLabsEpisode() throws {
        let result = sample("mec_veep_s5e4.xml")
        #expect(result.error == nil && result.warnings.isEmpty)
        let episode = try #require(result.records.first)
        #expect(episode.id == TitleID("md:cid:eidr-s:FBEB-FA47-487D-420A-8E31-I"))
        #expect(episode.kind == .episode)
        #expect(episode.title == "Mother" && episode.originalTitle == "Thanksgiving")
        #expect(episode.year == 2016)
        #expect(episode.genres == ["Comedy", "Political"])
        #expect(episode.synopses.map(\.length) == [.medium, .long])
        #expect(episode.rating == MaturityRating(system: "TVPG", value: "TV-MA"))
        #expect(episode.people.first == Credit(name: "Julia Louis-Dreyfus", role: .cast, character: "Selina Meyer"))
        #expect(episode.episodeNumber == 4)
        #expect(episode.parentID != nil)
    }

    /// The MovieLabs files with deliberate errors have them reported, with their lines.
    @Test func movieLabsDeliberateErrorsAreReported() {
        let v16 = sample("mec_v1.6_errors.xml")
        #expect(v16.records.count == 1)
        #expect(
            v16.warnings.map { "\($0.location.line) \($0.message)" } == [
                "37 country 'JJ' is not an ISO 3166-1 code", "105 language 'HK' is not a BCP 47 language tag",
            ])
        let v212 = sample("mec_v2.12_errors.xml")
        #expect(
            v212.warnings.contains {
                $0.location.line == 31 && $0.message == "rating 'ZZZ' does not exist in the MPAA system"
            })
        #expect(v212.warnings.contains { $0.message.contains("without a title skipped") })
    }

    @Test func movieLabsManifestAndAvails() throws {
        let manifest = sample("mmc_manifest_merged.xml")
        #expect(manifest.error == nil && manifest.records.count == 2)
        let avails = sample("avails_tv.xml")
        #expect(avails.error == nil)
        let episode = try #require(avails["md:cid:disney.com:jake-s01e02"])
        #expect(episode.kind == .episode && episode.seasonNumber == 1 && episode.episodeNumber == 2)
        #expect(episode.parentID == TitleID("md:cid:disney.com:jake-s01"))
        let season = try #require(avails["md:cid:disney.com:hannah-s01"])
        #expect(season.kind == .season && season.title == "Hannah Montana Season 1")
    }

    @Test func adi() throws {
        let title = try #require(sample("adi1_tvshow.xml").records.first)
        #expect(title.id == TitleID("mylifetime.com/LFHT2419582007240000"))
        #expect(title.title == "Friends Who Kill" && title.kind == .movie && title.year == 2020)
        #expect(title.rating == MaturityRating(system: "TVPG", value: "TV-14"))
        #expect(title.keywords.count == 12 && title.genres == ["Thrillers"])
        #expect(title.runtimeMinutes == 60)
        #expect(title.synopses.map(\.length) == [.short, .medium])
        let adi3 = try #require(sample("adi3_movie.xml").records.first)
        #expect(adi3.title == "The Titanic" && adi3.year == 1997 && adi3.runtimeMinutes == 194)
        #expect(
            adi3.people.filter { $0.role == .cast }.map(\.name) == ["Kate Winslet", "Leonardo DiCaprio", "Billy Zane"])
    }

    @Test func tvAnytime() throws {
        let program = try #require(sample("tva_program_information.xml").records.first)
        #expect(program.id == TitleID("crid://channel7.co.uk/b01myjsy"))
        #expect(program.title == "Bargain Hunt" && program.subtitle == "01/01/2014")
        #expect(program.synopses.map(\.length) == [.short, .medium, .long])
        #expect(program.synopses[0].text == "The Bargain Hunt teams head to Staffordshire's County Showground.")
        #expect(program.genres == ["Show/Game show"])
        #expect(program.keywords.contains("FAMILY LIFE"))
        #expect(program.people.contains(Credit(name: "William Johnson", role: .cast, character: "Billy Johns")))
        #expect(program.year == 1999)
    }

    @Test func mediaRSS() {
        let result = sample("mrss_feed.xml")
        #expect(result.records.map(\.title) == ["Shade", "Spectators"])
        #expect(result.records.allSatisfy { $0.runtimeMinutes == 2 && $0.people.first?.name == "Tom Johnson" })
    }

    /// Every bundled sample reads to its end without an error, with the titles it holds.
    @Test(arguments: [
        ("jellyfin_UK_Data.xml.gz", 1_964), ("jellyfin_custom.xml", 1), ("mediaxml_epg.xml", 10),
        ("mec_veep_s5e4.xml", 1),
        ("mec_v1.6_errors.xml", 1), ("mec_v2.12_errors.xml", 0), ("mmc_manifest_merged.xml", 2), ("avails_tv.xml", 23),
        ("adi1_tvshow.xml", 1), ("adi3_movie.xml", 1), ("tva_program_information.xml", 1), ("mrss_feed.xml", 2),
    ])
    func sampleParses(name: String, titles: Int) {
        let result = sample(name)
        #expect(result.error == nil)
        #expect(result.records.count == titles)
    }
}
