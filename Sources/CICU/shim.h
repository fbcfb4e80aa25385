#ifndef MICROGENRE_CICU_SHIM_H
#define MICROGENRE_CICU_SHIM_H

// ICU renames every C function with a version suffix (unorm2_normalize_72) through
// macros in unicode/urename.h, which Swift does not import. These static inline
// wrappers give Swift version-independent names; each calls the ICU function it names.

#include <unicode/utypes.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/unorm2.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unicode/uloc.h>

/// unorm2_getNFKCCasefoldInstance
static inline const UNormalizer2 *cicu_nfkc_casefold(UErrorCode *status) {
    return unorm2_getNFKCCasefoldInstance(status);
}
/// unorm2_getNFDInstance
static inline const UNormalizer2 *cicu_nfd(UErrorCode *status) {
    return unorm2_getNFDInstance(status);
}
/// unorm2_getNFCInstance
static inline const UNormalizer2 *cicu_nfc(UErrorCode *status) {
    return unorm2_getNFCInstance(status);
}
/// unorm2_normalize
static inline int32_t cicu_normalize(const UNormalizer2 *norm, const UChar *src, int32_t length,
                                     UChar *dest, int32_t capacity, UErrorCode *status) {
    return unorm2_normalize(norm, src, length, dest, capacity, status);
}
/// u_strFromUTF8WithSub: invalid sequences become U+FFFD instead of failing.
static inline UChar *cicu_utf16_from_utf8(UChar *dest, int32_t capacity, int32_t *length,
                                         const char *src, int32_t srcLength, UErrorCode *status) {
    return u_strFromUTF8WithSub(dest, capacity, length, src, srcLength, 0xFFFD, NULL, status);
}
/// u_strToUTF8
static inline char *cicu_utf8_from_utf16(char *dest, int32_t capacity, int32_t *length,
                                         const UChar *src, int32_t srcLength, UErrorCode *status) {
    return u_strToUTF8(dest, capacity, length, src, srcLength, status);
}
/// ubrk_open with UBRK_WORD and no text
static inline UBreakIterator *cicu_word_break_open(const char *locale, UErrorCode *status) {
    return ubrk_open(UBRK_WORD, locale, NULL, 0, status);
}
/// ubrk_close
static inline void cicu_break_close(UBreakIterator *bi) { ubrk_close(bi); }
/// ubrk_setUText
static inline void cicu_break_set_utext(UBreakIterator *bi, UText *text, UErrorCode *status) {
    ubrk_setUText(bi, text, status);
}
/// ubrk_first
static inline int32_t cicu_break_first(UBreakIterator *bi) { return ubrk_first(bi); }
/// ubrk_next
static inline int32_t cicu_break_next(UBreakIterator *bi) { return ubrk_next(bi); }
/// ubrk_getRuleStatus
static inline int32_t cicu_break_rule_status(UBreakIterator *bi) { return ubrk_getRuleStatus(bi); }
/// utext_openUTF8: reuses `ut` when it is not NULL. Native indexes are UTF-8 byte offsets.
static inline UText *cicu_utext_open_utf8(UText *ut, const char *s, int64_t length, UErrorCode *status) {
    return utext_openUTF8(ut, s, length, status);
}
/// utext_close
static inline UText *cicu_utext_close(UText *ut) { return utext_close(ut); }
/// u_charType
static inline int8_t cicu_char_type(UChar32 c) { return u_charType(c); }
/// u_errorName
static inline const char *cicu_error_name(UErrorCode code) { return u_errorName(code); }

/// uloc_getISOCountries: NULL-terminated list of ISO 3166-1 alpha-2 codes.
static inline const char *const *cicu_iso_countries(void) { return uloc_getISOCountries(); }
/// uloc_getISOLanguages: NULL-terminated list of ISO 639 language codes.
static inline const char *const *cicu_iso_languages(void) { return uloc_getISOLanguages(); }

/// uloc_getDisplayCountry: the English name of a locale's country ("und_JP" -> "Japan").
static inline int32_t cicu_display_country(const char *locale, UChar *dest, int32_t capacity, UErrorCode *status) {
    return uloc_getDisplayCountry(locale, "en", dest, capacity, status);
}
/// uloc_getDisplayLanguage: the English name of a locale's language ("ja" -> "Japanese").
static inline int32_t cicu_display_language(const char *locale, UChar *dest, int32_t capacity, UErrorCode *status) {
    return uloc_getDisplayLanguage(locale, "en", dest, capacity, status);
}

/// The first rule status of word tokens; below it are spaces and punctuation (UBRK_WORD_NONE_LIMIT).
static const int32_t cicu_word_none_limit = UBRK_WORD_NONE_LIMIT;

/// Asks the CPU to start loading the cache line at `address` (no ICU function: a compiler builtin).
static inline void cicu_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
