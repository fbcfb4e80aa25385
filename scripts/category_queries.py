"""The category queries of scripts/eval-relevance.py and scripts/eval-search.py: a coarse
Wikipedia genre of the Corpus (or a pair of them) and the query a user types for it. Relevant
titles are those carrying the genre(s) in the source."""

SINGLE = {
    "Drama": "dramas", "Comedy": "comedies", "Western": "westerns", "Romance": "romance movies",
    "Crime": "crime movies", "Action": "action movies", "Thriller": "thrillers", "Musical": "musicals",
    "Horror": "horror movies", "Adventure": "adventure movies", "War": "war movies",
    "Science Fiction": "science fiction movies", "Noir": "film noir", "Mystery": "mystery movies",
    "Animated": "animated movies", "Fantasy": "fantasy movies", "Biography": "biopics",
    "Historical": "historical movies", "Documentary": "documentaries", "Sports": "sports movies",
    "Family": "family movies", "Supernatural": "supernatural movies", "Slasher": "slasher movies",
    "Superhero": "superhero movies", "Spy": "spy movies", "Teen": "teen movies", "Satire": "satires",
    "Political": "political movies", "Martial Arts": "martial arts movies", "Disaster": "disaster movies",
}
PAIRS = {
    ("Musical", "Comedy"): "musical comedies", ("Romance", "Comedy"): "romantic comedies",
    ("Crime", "Drama"): "crime dramas", ("War", "Drama"): "war dramas", ("Horror", "Comedy"): "horror comedies",
    ("Western", "Comedy"): "western comedies", ("Action", "Thriller"): "action thrillers",
    ("Science Fiction", "Horror"): "sci-fi horror movies", ("Crime", "Comedy"): "crime comedies",
    ("Romance", "Drama"): "romantic dramas", ("Action", "Comedy"): "action comedies",
    ("Animated", "Family"): "animated family movies", ("Sports", "Drama"): "sports dramas",
    ("Mystery", "Thriller"): "mystery thrillers", ("Fantasy", "Adventure"): "fantasy adventures",
}
