import MicrogenreCore
import MicrogenreTagging
import MicrogenreTaxonomy

/// The repository's Taxonomy directory, loaded once.
let repositoryTaxonomy: Taxonomy = {
    var directory = #filePath
    for _ in 0..<3 { directory = String(directory[..<directory.lastIndex(of: "/")!]) }
    return try! Taxonomy.load(directory: directory + "/Taxonomy")
}()

func ids(_ names: String...) -> [TagID] { names.map(TagID.init) }

/// A movie record with a synopsis.
func film(
    _ id: String, _ title: String = "Untitled", synopsis: String, year: Int? = nil, genres: [String] = [],
    countries: [String] = [], rating: MaturityRating? = nil
) -> TitleRecord {
    TitleRecord(
        id: TitleID(id), kind: .movie, title: title, year: year,
        synopses: [Synopsis(length: .short, language: "en", text: synopsis)], genres: genres, countries: countries,
        rating: rating)
}
