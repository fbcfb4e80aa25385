import MicrogenreText
let s = EnglishStemmer()
while let line = readLine() { print(s.stem(line)) }
