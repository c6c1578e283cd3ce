" Vim syntax file
" Language:    Seg (customer segments)
" Filenames:   *.seg
"
" Seg keywords are contextual (an attribute may be called `name` or `count`): properties are
" highlighted only before a value, aggregates only before `(`, and a word after `.` is always a
" field. The groups follow the TextMate grammar of editors/vscode.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn sync minlines=200

" Words. A keyword has priority over a match that starts at the same place; a field after a dot
" starts at the dot, so `customer.on` stays a field.
syn keyword segSegment       segment
syn keyword segLogical       none
syn keyword segQuantifier    no
syn keyword segOperatorWord  is in empty contain does of starts ends with between and
" `contains` cannot be a :syn-keyword (it is the name of an argument).
syn match   segOperatorWord  "\<contains\>"
syn keyword segOperatorWord  before after on or within last more than ago anniversary next
syn keyword segWhere         where
syn keyword segUnit          day days hour hours week weeks
syn keyword segAudience      visitors registered everyone
syn keyword segBoolean       true false
syn keyword segCollection    addresses billing_address shipping_address cart_items wishlist_items
syn keyword segCollection    viewed_products orders ordered_products items
syn keyword segTodo          contained TODO FIXME XXX NOTE

" `segment <id>` and `in segment <id>`.
syn match   segSegmentName   "\%(\<segment\s\+\)\@<=\h\w*"
" `all`/`any` are matches, not keywords (a keyword would beat every match): combiners before `{`
" (or at the end of the line), quantifiers before a collection name.
syn match   segLogical       "\<\%(any\|all\)\>\ze\s*\%({\|//\|$\)"
syn match   segQuantifier    "\<\%(any\|all\)\>\ze\s\+\h"
" `not c` is the negation; in `is not`, `does not contain` and `not in [..]` it is the operator.
syn match   segLogical       "\<not\>"
syn match   segOperatorWord  "\%(\<\%(is\|does\)\s\+\)\@<=not\>"
syn match   segOperatorWord  "\<not\>\ze\s\+in\>\%(\s\+segment\>\)\@!"
" `contains any of` / `contains all of`: the operator, not a quantifier.
syn match   segOperatorWord  "\%(\<contains\s\+\)\@<=\<\%(any\|all\)\>\ze\s\+of\>"
" Properties: only before their value.
syn match   segProperty      +\<\%(name\|description\|websites\|active\)\>\ze\s*\%(["[0-9-]\|true\>\|false\>\|$\)+
syn match   segProperty      "\<applies_to\>"
" Aggregates: only before `(`.
syn match   segAggregate     "\<\%(count\|sum\|avg\|min\|max\)\>\ze\s*("
" Paths: `customer.group`, `cart_items.product.price`.
syn match   segObject        "\<\h\w*\ze\s*\."
syn match   segMember        "\.\s*\h\w*" contains=segDot
syn match   segDot           contained "\."

" Literals. Among matches that start at the same place the last one defined wins, so a date
" beats a number and a datetime beats a date.
syn match   segNumber        "-\=\<\d\+\>"
syn match   segFloat         "-\=\<\d\+\.\d\+\>"
syn match   segDate          "\<\d\{4}-\d\d-\d\d\>"
syn match   segDateTime      "\<\d\{4}-\d\d-\d\d[Tt]\d\d:\d\d\%(:\d\d\%(\.\d\+\)\=\)\=\%([Zz]\|[+-]\d\d:\d\d\)\=\>"
syn region  segString        start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=segEscape,segEscapeError,@Spell
syn match   segEscapeError   contained "\\."
syn match   segEscape        contained +\\\%(["\\nt]\|u{\x\{1,6}}\)+

syn match   segComparison    "==\|!=\|>=\|<=\|>\|<"
syn match   segDelimiter     "[,]"

" Comments last: `///` beats `//` at the same place.
syn match   segComment       "//.*$" contains=segTodo,@Spell
syn match   segDocComment    "///.*$" contains=segTodo,@Spell

hi def link segSegment       Structure
hi def link segSegmentName   Type
hi def link segProperty      Statement
hi def link segAudience      Constant
hi def link segLogical       Conditional
hi def link segQuantifier    Repeat
hi def link segOperatorWord  Operator
hi def link segComparison    Operator
hi def link segWhere         Keyword
hi def link segAggregate     Function
hi def link segUnit          Special
hi def link segCollection    Type
hi def link segObject        Identifier
hi def link segMember        Identifier
hi def link segDot           Delimiter
hi def link segDelimiter     Delimiter
hi def link segBoolean       Boolean
hi def link segNumber        Number
hi def link segFloat         Float
hi def link segDate          Number
hi def link segDateTime      Number
hi def link segString        String
hi def link segEscape        SpecialChar
hi def link segEscapeError   Error
hi def link segComment       Comment
hi def link segDocComment    SpecialComment
hi def link segTodo          Todo

let b:current_syntax = 'seg'

let &cpo = s:cpo_save
unlet s:cpo_save
