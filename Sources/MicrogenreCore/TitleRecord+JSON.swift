extension TitleRecord {
    /// Writes the record as one JSON object; absent fields are left out.
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.string(id.rawValue, "id")
        json.string(kind.rawValue, "kind")
        json.string(title, "title")
        json.optional(subtitle, "subtitle")
        json.optional(originalTitle, "originalTitle")
        json.optional(year, "year")
        if !synopses.isEmpty {
            json.beginArray("synopses")
            for synopsis in synopses {
                json.beginObject()
                json.string(synopsis.length.rawValue, "length")
                json.optional(synopsis.language, "language")
                json.string(synopsis.text, "text")
                json.endObject()
            }
            json.endArray()
        }
        if !genres.isEmpty { json.strings(genres, "genres") }
        if !keywords.isEmpty { json.strings(keywords, "keywords") }
        if !people.isEmpty {
            json.beginArray("people")
            for person in people {
                json.beginObject()
                json.string(person.name, "name")
                json.string(person.role.rawValue, "role")
                json.optional(person.character, "character")
                json.endObject()
            }
            json.endArray()
        }
        if !countries.isEmpty { json.strings(countries, "countries") }
        if !languages.isEmpty { json.strings(languages, "languages") }
        if let rating {
            json.beginObject("rating")
            json.string(rating.system, "system")
            json.string(rating.value, "value")
            json.endObject()
        }
        json.optional(runtimeMinutes, "runtimeMinutes")
        json.optional(parentID?.rawValue, "parentId")
        json.optional(seasonNumber, "season")
        json.optional(episodeNumber, "episode")
        if let source {
            json.beginObject("source")
            json.string(source.file, "file")
            json.number(source.line, "line")
            json.endObject()
        }
        json.endObject()
    }
}
