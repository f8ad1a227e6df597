"""The lark grammars of the nGQL read subset.

:data:`QUERY_GRAMMAR` is the real grammar (LALR(1), contextual lexer: a keyword is only a
keyword where the grammar expects one, so ``name`` or ``order`` stay usable as property
names).  :data:`SCAN_GRAMMAR` only cuts a text into coarse tokens; the parser uses it to
find statement boundaries (``;``) and pipe stages (``|``) and to name what a refused
statement is, before (and whatever) the real grammar says.

Lexical rules follow NebulaGraph's scanner: comments are ``#`` and ``//`` to the end of the
line and ``/* … */`` (``--`` is an undirected edge, never a comment); strings use double or
single quotes with backslash escapes and cannot span lines; identifiers may be back-quoted
(any text but a back-quote or a line break), and unquoted ones may hold non-ASCII letters
(``关注``), as NebulaGraph's UTF-8 labels.
"""

from __future__ import annotations

_COMMON_TERMINALS = r"""
DQ_STRING: /"(?:[^"\\\n]|\\[\s\S])*"/
SQ_STRING: /'(?:[^'\\\n]|\\[\s\S])*'/
PLACEHOLDER: /\$\{[^{}\n]+\}/
QNAME: /`[^`\n]+`/
COMMENT: /#[^\n]*/ | /\/\/[^\n]*/ | /\/\*[\s\S]*?\*\//
WS: /[ \t\r\n\f]+/
%ignore WS
%ignore COMMENT
"""

QUERY_GRAMMAR = (
    r"""
start: query ";"*

query: stmt pipe_stage*
?stmt: match_stmt | go_stmt | fetch_stmt | lookup_stmt | return_stmt
pipe_stage: "|" (go_stmt | fetch_stmt | order_pipe | limit_pipe | group_pipe)

// ---- MATCH --------------------------------------------------------------------------
match_stmt: (match_clause | unwind_clause | with_clause)+ return_clause
match_clause: OPTIONAL? MATCH pattern ("," pattern)* where?
unwind_clause: UNWIND expr AS name
with_clause: WITH DISTINCT? items order_by? skip? limit? where?
where: WHERE expr
pattern: node_pat (edge_pat node_pat)*
node_pat: LPAR var_name? node_label* prop_map? ")"
var_name: name
node_label: ":" name
prop_map: "{" [prop_pair ("," prop_pair)*] "}"
prop_pair: name ":" expr
edge_pat: MINUS edge_spec? RARROW       -> edge_out
        | LARROW edge_spec? MINUS       -> edge_in
        | MINUS edge_spec? MINUS        -> edge_both
edge_spec: "[" var_name? edge_types? hops? prop_map? "]"
edge_types: ":" name ("|" ":"? name)*
hops: STAR                      -> hops_any
    | STAR INT                  -> hops_exact
    | STAR INT DOTDOT INT       -> hops_range
    | STAR DOTDOT INT           -> hops_upto
    | STAR INT DOTDOT           -> hops_from

return_clause: RETURN DISTINCT? items order_by? skip? limit?
items: item ("," item)*
     | STAR                     -> items_star
item: expr (AS name)?
order_by: ORDER BY order_item ("," order_item)*
order_item: expr (ASC | DESC | ASCENDING | DESCENDING)?
skip: SKIP count
limit: LIMIT count
?count: INT | PLACEHOLDER

return_stmt: return_clause

// ---- GO -----------------------------------------------------------------------------
go_stmt: GO steps? FROM vid_source OVER over direction? where? yield_clause
steps: count (STEPS | STEP)                     -> steps_n
     | count TO count (STEPS | STEP)            -> steps_m_to_n
vid_source: vid ("," vid)*                      -> vid_list
          | input_col                           -> vid_input
vid: string | INT | MINUS INT | PLACEHOLDER
over: name ("," name)*
    | STAR                                      -> over_all
direction: REVERSELY | BIDIRECT
yield_clause: YIELD DISTINCT? items

// ---- FETCH, LOOKUP --------------------------------------------------------------------
fetch_stmt: FETCH PROP ON fetch_names fetch_keys yield_clause
fetch_names: name ("," name)*
           | STAR                               -> fetch_all
fetch_keys: fetch_key ("," fetch_key)*
          | input_col                           -> fetch_input
fetch_key: vid (RARROW vid ("@" INT)?)?

lookup_stmt: LOOKUP ON name where? yield_clause

// ---- pipe stages ----------------------------------------------------------------------
order_pipe: ORDER BY order_item ("," order_item)*
limit_pipe: LIMIT count ("," count)?
group_pipe: GROUP BY expr ("," expr)* yield_clause

// ---- expressions ----------------------------------------------------------------------
?expr: or_expr
?or_expr: xor_expr
        | or_expr OR xor_expr                   -> binop
?xor_expr: and_expr
         | xor_expr XOR and_expr                -> binop
?and_expr: not_expr
         | and_expr AND not_expr                -> binop
?not_expr: comparison
         | NOT not_expr                         -> unop
         | BANG not_expr                        -> unop
?comparison: sum_expr
           | comparison comp_op sum_expr        -> binop
           | comparison IS NULL                 -> is_null
           | comparison IS NOT NULL             -> is_not_null
comp_op: EQ | ASSIGN | NE | LT | LE | GT | GE
       | IN | NOT IN
       | STARTS WITH | NOT STARTS WITH
       | ENDS WITH | NOT ENDS WITH
       | CONTAINS | NOT CONTAINS
?sum_expr: product
         | sum_expr PLUS product                -> binop
         | sum_expr MINUS product               -> binop
?product: unary
        | product STAR unary                    -> binop
        | product SLASH unary                   -> binop
        | product PERCENT unary                 -> binop
?unary: postfix
      | MINUS unary                             -> unop
      | PLUS unary                              -> unop
?postfix: atom
        | postfix "." name                      -> attr
        | postfix "[" expr "]"                  -> subscript
?atom: literal
     | list_lit
     | map_lit
     | case_expr
     | PLACEHOLDER                              -> placeholder
     | func_call
     | name                                     -> name_ref
     | LPAR expr ")"                            -> paren
     | DST_REF                                  -> dst_ref
     | SRC_REF                                  -> src_ref
     | input_col
     | VARIABLE                                 -> user_var
input_col: INPUT_REF "." name
func_call: name LPAR DISTINCT? [expr ("," expr)*] (WHERE expr)? ")"
         | name LPAR STAR ")"                   -> count_star
list_lit: LBRACKET [expr ("," expr)*] "]"
map_lit: LBRACE [map_pair ("," map_pair)*] "}"
map_pair: name ":" expr
case_expr: CASE expr? case_when+ (ELSE expr)? END
case_when: WHEN expr THEN expr
literal: string | INT | FLOAT | TRUE | FALSE | NULL
string: DQ_STRING | SQ_STRING
name: NAME | QNAME

// ---- terminals --------------------------------------------------------------------------
NAME: /(?:[A-Za-z_]|[^\x00-\x7f])(?:[A-Za-z0-9_]|[^\x00-\x7f])*/
FLOAT: /(?:\d+\.\d+|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/
INT: /0[xX][0-9a-fA-F]+|\d+/
VARIABLE: /\$[A-Za-z_][A-Za-z0-9_]*/
DST_REF: "$$"
SRC_REF: "$^"
INPUT_REF: "$-"
LPAR: "("
LBRACKET: "["
LBRACE: "{"
RARROW: "->"
LARROW: "<-"
DOTDOT: ".."
MINUS: "-"
PLUS: "+"
STAR: "*"
SLASH: "/"
PERCENT: "%"
EQ: "=="
ASSIGN: "="
NE: "!=" | "<>"
LT: "<"
LE: "<="
GT: ">"
GE: ">="
BANG: "!"

MATCH: "match"i
WHERE: "where"i
RETURN: "return"i
AS: "as"i
DISTINCT: "distinct"i
ORDER: "order"i
BY: "by"i
SKIP: "skip"i
LIMIT: "limit"i
ASC: "asc"i
DESC: "desc"i
ASCENDING: "ascending"i
DESCENDING: "descending"i
AND: "and"i
OR: "or"i
XOR: "xor"i
NOT: "not"i
IN: "in"i
STARTS: "starts"i
ENDS: "ends"i
WITH: "with"i
CONTAINS: "contains"i
IS: "is"i
NULL: "null"i
TRUE: "true"i
FALSE: "false"i
GO: "go"i
FROM: "from"i
OVER: "over"i
TO: "to"i
STEP: "step"i
STEPS: "steps"i
REVERSELY: "reversely"i
BIDIRECT: "bidirect"i
YIELD: "yield"i
FETCH: "fetch"i
PROP: "prop"i
ON: "on"i
LOOKUP: "lookup"i
OPTIONAL: "optional"i
UNWIND: "unwind"i
GROUP: "group"i
CASE: "case"i
WHEN: "when"i
THEN: "then"i
ELSE: "else"i
END: "end"i
"""
    + _COMMON_TERMINALS
)

#: Coarse tokens only: every character of a text lexes as something (PUNCT is the fallback).
SCAN_GRAMMAR = (
    r"""
start: token*
token: WORD | QNAME | DQ_STRING | SQ_STRING | NUMBER | PLACEHOLDER | DOLLAR | PUNCT
WORD: /(?:[A-Za-z_]|[^\x00-\x7f])(?:[A-Za-z0-9_]|[^\x00-\x7f])*/
NUMBER: /\d+(?:\.\d+)?/
DOLLAR: /\$[$^\-]|\$[A-Za-z_][A-Za-z0-9_]*/
PUNCT: /[^\sA-Za-z0-9_]/
"""
    + _COMMON_TERMINALS
)
