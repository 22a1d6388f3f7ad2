using System.Globalization;
using VelesDb.VelesQL.Ast;

namespace VelesDb.VelesQL;

/// <summary>
/// Recursive-descent parser for VelesQL (spec §6). Every recursion goes through
/// <see cref="Enter"/>, which enforces <see cref="VelesQLLimits.MaxNestingDepth"/> before descending,
/// so no input can overflow the stack; every failure is a <see cref="VelesQLParseException"/>.
/// </summary>
internal sealed class Parser
{
    /// <summary>Words that can never be bare identifiers or aliases (quote them to use them as names).</summary>
    internal static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE", "LIKE", "ILIKE",
        "BETWEEN", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "WITH", "USING", "UNION", "INTERSECT",
        "EXCEPT", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "JOIN", "ON", "AS", "MATCH", "RETURN", "DISTINCT",
        "NEAR", "SPARSE_NEAR", "NEAR_FUSED", "COLLECTION", "INTO", "VALUES", "SET", "LET", "ASC", "DESC",
        "OVER", "PARTITION", "CONTAINS", "CONTAINS_TEXT", "EXPLAIN",
    };

    private readonly List<Token> _tokens;
    private int _index;
    private int _depth;
    private int _likeTerms;

    private Parser(List<Token> tokens)
    {
        _tokens = tokens;
    }

    /// <summary>Parses a complete query (pre-scan, LET bindings, one statement, optional <c>;</c>).</summary>
    /// <exception cref="VelesQLParseException">The query is invalid or exceeds a parse-time limit.</exception>
    public static Query ParseQuery(ReadOnlySpan<char> text)
    {
        var parser = new Parser(Lexer.Tokenize(text));
        return parser.ParseTop();
    }

    private Token Current => _tokens[_index];

    private Token Peek(int ahead) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private Token Advance()
    {
        var t = _tokens[_index];
        if (_index < _tokens.Count - 1)
        {
            _index++;
        }

        return t;
    }

    private bool Is(TokenKind kind) => Current.Kind == kind;

    private bool IsKw(string keyword) => Current.IsKeyword(keyword);

    private bool Accept(TokenKind kind)
    {
        if (Current.Kind != kind)
        {
            return false;
        }

        Advance();
        return true;
    }

    private bool AcceptKw(string keyword)
    {
        if (!Current.IsKeyword(keyword))
        {
            return false;
        }

        Advance();
        return true;
    }

    private Token Expect(TokenKind kind, string what) => Current.Kind == kind ? Advance() : throw Unexpected(what);

    private Token ExpectKw(string keyword) => Current.IsKeyword(keyword) ? Advance() : throw Unexpected(keyword);

    private VelesQLParseException Unexpected(string expected) =>
        new(ParseErrorKind.UnexpectedToken, $"Expected {expected} but found {Current.Describe()}", Current.Position);

    private static VelesQLParseException Error(ParseErrorKind kind, string message, SourcePosition pos) => new(kind, message, pos);

    private void Enter()
    {
        if (++_depth > VelesQLLimits.MaxNestingDepth)
        {
            throw Error(ParseErrorKind.ComplexityLimit, $"Nesting too deep: max={VelesQLLimits.MaxNestingDepth}", Current.Position);
        }
    }

    private void Exit() => _depth--;

    private static bool IsIdentifierToken(Token t) =>
        t.Kind == TokenKind.QuotedIdentifier || (t.Kind == TokenKind.Word && !Reserved.Contains(t.Text));

    private string ExpectIdentifier(string what)
    {
        if (IsIdentifierToken(Current))
        {
            return Advance().Text;
        }

        if (Current.Kind == TokenKind.Word)
        {
            throw Error(ParseErrorKind.UnexpectedToken,
                $"Expected {what} but found reserved keyword '{Current.Text}' (quote it with backticks to use it as a name)", Current.Position);
        }

        throw Unexpected(what);
    }

    private Query ParseTop()
    {
        var pos = Current.Position;
        var lets = new List<LetBinding>();
        while (IsKw("LET"))
        {
            var letPos = Advance().Position;
            string name = ExpectIdentifier("a LET variable name");
            Expect(TokenKind.Eq, "'=' after the LET name");
            lets.Add(new LetBinding(letPos, name, ParseArith()));
        }

        var statement = ParseStatement();
        Accept(TokenKind.Semicolon);
        if (!Is(TokenKind.End))
        {
            throw Unexpected("end of query");
        }

        return new Query(pos, lets, statement);
    }

    private Statement ParseStatement()
    {
        var t = Current;
        if (t.Kind != TokenKind.Word)
        {
            throw Unexpected("a statement (SELECT, MATCH, INSERT, UPDATE, DELETE, …)");
        }

        switch (t.Text.ToUpperInvariant())
        {
            case "SELECT":
                return Peek(1).IsKeyword("EDGES") ? ParseSelectEdges() : ParseCompound();
            case "MATCH":
                return ParseMatchStatement();
            case "INSERT":
                if (Peek(1).IsKeyword("EDGE"))
                {
                    return ParseInsertEdge();
                }

                return Peek(1).IsKeyword("NODE") ? ParseInsertNode() : ParseInsert(false);
            case "UPSERT":
                return ParseInsert(true);
            case "UPDATE":
                return ParseUpdate();
            case "DELETE":
                return ParseDelete();
            case "TRAIN":
                return ParseTrain();
            case "CREATE":
                return ParseCreate();
            case "DROP":
                return ParseDrop();
            case "SHOW":
                Advance();
                ExpectKw("COLLECTIONS");
                return new ShowCollectionsStatement(t.Position);
            case "DESCRIBE":
                Advance();
                AcceptKw("COLLECTION");
                return new DescribeStatement(t.Position, ExpectIdentifier("a collection name"));
            case "EXPLAIN":
                Advance();
                if (!IsKw("SELECT"))
                {
                    throw Unexpected("SELECT after EXPLAIN (only SELECT and compound queries can be explained)");
                }

                return new ExplainStatement(t.Position, ParseCompound());
            case "ANALYZE":
                Advance();
                AcceptKw("COLLECTION");
                return new AnalyzeStatement(t.Position, ExpectIdentifier("a collection name"));
            case "TRUNCATE":
                Advance();
                AcceptKw("COLLECTION");
                return new TruncateStatement(t.Position, ExpectIdentifier("a collection name"));
            case "ALTER":
                Advance();
                ExpectKw("COLLECTION");
                string name = ExpectIdentifier("a collection name");
                ExpectKw("SET");
                return new AlterCollectionStatement(t.Position, name, ParseOptionList());
            case "FLUSH":
                Advance();
                bool full = AcceptKw("FULL");
                string? coll = IsIdentifierToken(Current) ? Advance().Text : null;
                return new FlushStatement(t.Position, full, coll);
            default:
                throw Unexpected("a statement (SELECT, MATCH, INSERT, UPDATE, DELETE, …)");
        }
    }

    // ---------------------------------------------------------------- SELECT

    private Statement ParseCompound()
    {
        var first = ParseSelect();
        var rest = new List<SetOperation>();
        while (true)
        {
            var opPos = Current.Position;
            SetOperator op;
            if (AcceptKw("UNION"))
            {
                op = AcceptKw("ALL") ? SetOperator.UnionAll : SetOperator.Union;
            }
            else if (AcceptKw("INTERSECT"))
            {
                op = SetOperator.Intersect;
            }
            else if (AcceptKw("EXCEPT"))
            {
                op = SetOperator.Except;
            }
            else
            {
                break;
            }

            rest.Add(new SetOperation(opPos, op, ParseSelect()));
        }

        return rest.Count == 0 ? first : new CompoundSelectStatement(first.Pos, first, rest);
    }

    private SelectStatement ParseSelect()
    {
        var pos = ExpectKw("SELECT").Position;
        bool distinct = AcceptKw("DISTINCT");
        var items = new List<SelectItem>();
        if (Is(TokenKind.Star))
        {
            items.Add(new SelectItem(Current.Position, new StarExpr(Advance().Position, null), null));
            if (Is(TokenKind.Comma))
            {
                throw Error(ParseErrorKind.SyntaxError, "'SELECT *, expr' is not valid: '*' must be the only projection", Current.Position);
            }
        }
        else
        {
            do
            {
                items.Add(ParseSelectItem());
            }
            while (Accept(TokenKind.Comma));
        }

        ExpectKw("FROM");
        var from = ParseTableRef();
        var joins = new List<JoinClause>();
        while (TryParseJoin(out var join))
        {
            joins.Add(join);
        }

        Condition? where = AcceptKw("WHERE") ? ParseCondition() : null;
        var groupBy = new List<ColumnRef>();
        if (AcceptKw("GROUP"))
        {
            ExpectKw("BY");
            do
            {
                groupBy.Add(ParseColumnRef("a GROUP BY column"));
            }
            while (Accept(TokenKind.Comma));
        }

        Condition? having = AcceptKw("HAVING") ? ParseCondition() : null;
        var orderBy = ParseOptionalOrderBy();
        ulong? limit = AcceptKw("LIMIT") ? ParseUnsigned("an integer LIMIT") : null;
        ulong? offset = AcceptKw("OFFSET") ? ParseUnsigned("an integer OFFSET") : null;
        IReadOnlyList<OptionEntry> with = AcceptKw("WITH") ? ParseOptionList() : [];
        IReadOnlyList<OptionEntry>? fusion = null;
        if (IsKw("USING") && Peek(1).IsKeyword("FUSION"))
        {
            Advance();
            Advance();
            fusion = Is(TokenKind.LParen) ? ParseOptionList() : [];
        }

        return new SelectStatement(pos, distinct, items, from, joins, where, groupBy, having, orderBy, limit, offset, with, fusion);
    }

    private SelectItem ParseSelectItem()
    {
        var pos = Current.Position;
        Expr expr;
        if (IsIdentifierToken(Current) && Peek(1).Kind == TokenKind.Dot && Peek(2).Kind == TokenKind.Star)
        {
            string qualifier = Advance().Text;
            Advance();
            Advance();
            expr = new StarExpr(pos, qualifier);
        }
        else
        {
            expr = ParseArith();
        }

        return new SelectItem(pos, expr, ParseOptionalAlias());
    }

    private string? ParseOptionalAlias()
    {
        if (AcceptKw("AS"))
        {
            return ExpectIdentifier("an alias after AS");
        }

        return IsIdentifierToken(Current) ? Advance().Text : null;
    }

    private TableRef ParseTableRef()
    {
        var pos = Current.Position;
        string name = ExpectIdentifier("a collection name");
        return new TableRef(pos, name, ParseOptionalAlias());
    }

    private bool TryParseJoin(out JoinClause join)
    {
        join = null!;
        var pos = Current.Position;
        JoinKind kind;
        if (AcceptKw("JOIN"))
        {
            kind = JoinKind.Inner;
        }
        else if (IsKw("INNER") || IsKw("LEFT") || IsKw("RIGHT") || IsKw("FULL"))
        {
            string word = Advance().Text.ToUpperInvariant();
            kind = word switch
            {
                "LEFT" => JoinKind.Left,
                "RIGHT" => JoinKind.Right,
                "FULL" => JoinKind.Full,
                _ => JoinKind.Inner,
            };
            if (kind != JoinKind.Inner)
            {
                AcceptKw("OUTER");
            }

            ExpectKw("JOIN");
        }
        else
        {
            return false;
        }

        var table = ParseTableRef();
        if (AcceptKw("ON"))
        {
            join = new JoinClause(pos, kind, table, ParseCondition(), null);
            return true;
        }

        if (AcceptKw("USING"))
        {
            Expect(TokenKind.LParen, "'(' after USING");
            var cols = new List<string>();
            do
            {
                cols.Add(ExpectIdentifier("a USING column"));
            }
            while (Accept(TokenKind.Comma));
            Expect(TokenKind.RParen, "')' closing USING");
            join = new JoinClause(pos, kind, table, null, cols);
            return true;
        }

        throw Unexpected("ON or USING after the joined collection");
    }

    private List<OrderItem> ParseOptionalOrderBy()
    {
        var items = new List<OrderItem>();
        if (!AcceptKw("ORDER"))
        {
            return items;
        }

        ExpectKw("BY");
        do
        {
            items.Add(ParseOrderItem());
        }
        while (Accept(TokenKind.Comma));
        return items;
    }

    private OrderItem ParseOrderItem()
    {
        var pos = Current.Position;
        var expr = ParseArith();
        bool desc = false;
        if (AcceptKw("DESC"))
        {
            desc = true;
        }
        else
        {
            AcceptKw("ASC");
        }

        return new OrderItem(pos, expr, desc);
    }

    private ulong ParseUnsigned(string what)
    {
        var t = Expect(TokenKind.Integer, what);
        if (!ulong.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v))
        {
            throw Error(ParseErrorKind.SyntaxError, $"Integer {t.Text} is out of range (max {ulong.MaxValue})", t.Position);
        }

        return v;
    }

    private ColumnRef ParseColumnRef(string what)
    {
        var pos = Current.Position;
        var parts = new List<string> { ExpectIdentifier(what) };
        while (Is(TokenKind.Dot))
        {
            Advance();
            parts.Add(ExpectNamePart());
        }

        return new ColumnRef(pos, parts);
    }

    /// <summary>A path segment after a dot: any word (keywords included) or a quoted identifier.</summary>
    private string ExpectNamePart() =>
        Current.Kind is TokenKind.Word or TokenKind.QuotedIdentifier ? Advance().Text : throw Unexpected("a field name after '.'");

    /// <summary>Parses <c>( key = value, … )</c>; an empty list is allowed.</summary>
    private List<OptionEntry> ParseOptionList()
    {
        Expect(TokenKind.LParen, "'('");
        var list = new List<OptionEntry>();
        if (!Is(TokenKind.RParen))
        {
            do
            {
                var pos = Current.Position;
                string key = Current.Kind is TokenKind.Word or TokenKind.QuotedIdentifier ? Advance().Text : throw Unexpected("an option name");
                Expect(TokenKind.Eq, $"'=' after option '{key}'");
                list.Add(new OptionEntry(pos, key, ParseOptionValue()));
            }
            while (Accept(TokenKind.Comma));
        }

        Expect(TokenKind.RParen, "')' or ','");
        return list;
    }

    private Expr ParseOptionValue()
    {
        if (Current.Kind == TokenKind.Word && !IsKw("TRUE") && !IsKw("FALSE") && !IsKw("NULL") && Peek(1).Kind != TokenKind.LParen)
        {
            var t = Advance();
            return new ColumnRef(t.Position, [t.Text]);
        }

        return ParseArith();
    }

    // ---------------------------------------------------------------- conditions

    private Condition ParseCondition()
    {
        var left = ParseAnd();
        int chain = 0;
        while (IsKw("OR"))
        {
            var pos = Advance().Position;
            CheckChain(++chain, pos);
            left = new OrCondition(pos, left, ParseAnd());
        }

        return left;
    }

    private Condition ParseAnd()
    {
        var left = ParseNot();
        int chain = 0;
        while (IsKw("AND"))
        {
            var pos = Advance().Position;
            CheckChain(++chain, pos);
            left = new AndCondition(pos, left, ParseNot());
        }

        return left;
    }

    private void CheckChain(int chain, SourcePosition pos)
    {
        if (_depth + chain > VelesQLLimits.MaxNestingDepth)
        {
            throw Error(ParseErrorKind.ComplexityLimit, $"Condition too deep: AST depth exceeds max={VelesQLLimits.MaxNestingDepth}", pos);
        }
    }

    private Condition ParseNot()
    {
        if (IsKw("NOT"))
        {
            var pos = Advance().Position;
            Enter();
            var operand = ParseNot();
            Exit();
            return new NotCondition(pos, operand);
        }

        return ParsePredicate();
    }

    private Condition ParsePredicate()
    {
        var pos = Current.Position;
        if (Is(TokenKind.LParen))
        {
            Advance();
            Enter();
            var inner = ParseCondition();
            Exit();
            Expect(TokenKind.RParen, "')' closing the condition");
            return inner;
        }

        if (IsKw("MATCH") && Peek(1).Kind == TokenKind.LParen)
        {
            Advance();
            return new GraphMatchCondition(pos, ParseGraphPattern());
        }

        if (IsKw("GEO_BBOX") && Peek(1).Kind == TokenKind.LParen)
        {
            return new FunctionCondition(pos, ParseFunctionCall());
        }

        var left = ParseArith();
        var opToken = Current;
        if (TryCompareOp(out var op))
        {
            Advance();
            return new CompareCondition(pos, left, op, ParseArith());
        }

        if (opToken.Kind != TokenKind.Word)
        {
            throw Unexpected("a comparison or predicate operator (=, !=, <, IN, LIKE, BETWEEN, IS, MATCH, NEAR, …)");
        }

        switch (opToken.Text.ToUpperInvariant())
        {
            case "NOT":
                Advance();
                if (AcceptKw("IN"))
                {
                    return new InCondition(pos, left, ParseValueList(), true);
                }

                if (AcceptKw("BETWEEN"))
                {
                    return ParseBetween(pos, left, true);
                }

                if (IsKw("LIKE") || IsKw("ILIKE"))
                {
                    return ParseLike(pos, left, true);
                }

                throw Unexpected("IN, BETWEEN, LIKE or ILIKE after NOT");
            case "IN":
                Advance();
                return new InCondition(pos, left, ParseValueList(), false);
            case "BETWEEN":
                Advance();
                return ParseBetween(pos, left, false);
            case "LIKE":
            case "ILIKE":
                return ParseLike(pos, left, false);
            case "IS":
                Advance();
                bool negated = AcceptKw("NOT");
                ExpectKw("NULL");
                return new IsNullCondition(pos, left, negated);
            case "MATCH":
                Advance();
                return new TextMatchCondition(pos, RequireColumn(left, "MATCH"), ParseTextOperand("a string after MATCH"));
            case "CONTAINS_TEXT":
                Advance();
                return new ContainsTextCondition(pos, RequireColumn(left, "CONTAINS_TEXT"), ParseTextOperand("a string after CONTAINS_TEXT"));
            case "CONTAINS":
                Advance();
                var column = RequireColumn(left, "CONTAINS");
                if (AcceptKw("ANY"))
                {
                    return new ContainsCondition(pos, column, ContainsMode.Any, ParseValueList());
                }

                if (AcceptKw("ALL"))
                {
                    return new ContainsCondition(pos, column, ContainsMode.All, ParseValueList());
                }

                return new ContainsCondition(pos, column, ContainsMode.Single, [ParseArith()]);
            case "NEAR":
                Advance();
                return new NearCondition(pos, RequireColumn(left, "NEAR").Path, ParseDenseOperand("a vector ($param or [..]) after NEAR"));
            case "SPARSE_NEAR":
                return ParseSparseNear(pos, left);
            case "NEAR_FUSED":
                return ParseNearFused(pos, left);
            default:
                throw Unexpected("a comparison or predicate operator (=, !=, <, IN, LIKE, BETWEEN, IS, MATCH, NEAR, …)");
        }
    }

    private bool TryCompareOp(out CompareOp op)
    {
        op = Current.Kind switch
        {
            TokenKind.Eq => CompareOp.Eq,
            TokenKind.NotEq => CompareOp.NotEq,
            TokenKind.Lt => CompareOp.Lt,
            TokenKind.LtEq => CompareOp.LtEq,
            TokenKind.Gt => CompareOp.Gt,
            TokenKind.GtEq => CompareOp.GtEq,
            _ => (CompareOp)(-1),
        };
        return (int)op >= 0;
    }

    private static ColumnRef RequireColumn(Expr left, string op) =>
        left as ColumnRef ?? throw Error(ParseErrorKind.SyntaxError, $"{op} needs a column on its left side", left.Pos);

    private BetweenCondition ParseBetween(SourcePosition pos, Expr left, bool negated)
    {
        var low = ParseArith();
        ExpectKw("AND");
        return new BetweenCondition(pos, left, low, ParseArith(), negated);
    }

    private LikeCondition ParseLike(SourcePosition pos, Expr left, bool negated)
    {
        var t = Advance();
        if (++_likeTerms > VelesQLLimits.MaxLikeTerms)
        {
            throw Error(ParseErrorKind.ComplexityLimit, $"Too many LIKE terms: max={VelesQLLimits.MaxLikeTerms}", t.Position);
        }

        bool ci = t.IsKeyword("ILIKE");
        return new LikeCondition(pos, left, ParseTextOperand($"a pattern string after {t.Text.ToUpperInvariant()}"), ci, negated);
    }

    private Expr ParseTextOperand(string what)
    {
        var t = Current;
        return t.Kind switch
        {
            TokenKind.String => new StringLiteral(Advance().Position, t.Text),
            TokenKind.Parameter => new ParameterRef(Advance().Position, t.Text),
            _ => throw Unexpected(what),
        };
    }

    private List<Expr> ParseValueList()
    {
        Expect(TokenKind.LParen, "'(' starting the value list");
        Enter();
        var values = new List<Expr>();
        do
        {
            values.Add(ParseArith());
        }
        while (Accept(TokenKind.Comma));
        Exit();
        Expect(TokenKind.RParen, "')' or ',' in the value list");
        return values;
    }

    private Expr ParseDenseOperand(string what)
    {
        if (Is(TokenKind.Parameter))
        {
            var t = Advance();
            return new ParameterRef(t.Position, t.Text);
        }

        if (Is(TokenKind.LBracket))
        {
            return ParseVectorLiteral();
        }

        throw Unexpected(what);
    }

    private SparseNearCondition ParseSparseNear(SourcePosition pos, Expr left)
    {
        Advance();
        var column = RequireColumn(left, "SPARSE_NEAR");
        Expr vector;
        if (Is(TokenKind.Parameter))
        {
            var t = Advance();
            vector = new ParameterRef(t.Position, t.Text);
        }
        else if (Is(TokenKind.LBrace))
        {
            vector = ParseSparseLiteral();
        }
        else
        {
            throw Unexpected("a sparse vector ($param or {index: weight, …}) after SPARSE_NEAR");
        }

        string? index = null;
        if (IsKw("USING") && Peek(1).Kind == TokenKind.String)
        {
            Advance();
            index = Advance().Text;
        }

        return new SparseNearCondition(pos, column.Path, vector, index);
    }

    private NearFusedCondition ParseNearFused(SourcePosition pos, Expr left)
    {
        Advance();
        var column = RequireColumn(left, "NEAR_FUSED");
        Expect(TokenKind.LBracket, "'[' starting the NEAR_FUSED vector list");
        Enter();
        var vectors = new List<Expr>();
        do
        {
            vectors.Add(ParseDenseOperand("a vector ($param or [..]) in the NEAR_FUSED list"));
        }
        while (Accept(TokenKind.Comma));
        Exit();
        Expect(TokenKind.RBracket, "']' or ',' in the NEAR_FUSED list");
        string? strategy = null;
        IReadOnlyList<OptionEntry> parameters = [];
        if (IsKw("USING") && Peek(1).IsKeyword("FUSION") && Peek(2).Kind == TokenKind.String)
        {
            Advance();
            Advance();
            strategy = Advance().Text;
            if (Is(TokenKind.LParen))
            {
                parameters = ParseOptionList();
            }
        }

        return new NearFusedCondition(pos, column.Path, vectors, strategy, parameters);
    }

    private VectorLiteral ParseVectorLiteral()
    {
        var pos = Expect(TokenKind.LBracket, "'['").Position;
        var values = new List<double>();
        if (!Is(TokenKind.RBracket))
        {
            do
            {
                values.Add(ParseSignedNumber("a number in the vector literal"));
            }
            while (Accept(TokenKind.Comma));
        }

        Expect(TokenKind.RBracket, "']' or ',' in the vector literal");
        if (values.Count == 0)
        {
            throw Error(ParseErrorKind.SyntaxError, "A vector literal needs at least one component", pos);
        }

        return new VectorLiteral(pos, values);
    }

    private double ParseSignedNumber(string what)
    {
        bool negative = Accept(TokenKind.Minus);
        var t = Current;
        if (t.Kind is not (TokenKind.Integer or TokenKind.Float))
        {
            throw Unexpected(what);
        }

        Advance();
        double v = double.Parse(t.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return negative ? -v : v;
    }

    private SparseVectorLiteral ParseSparseLiteral()
    {
        var pos = Expect(TokenKind.LBrace, "'{'").Position;
        if (Is(TokenKind.RBrace))
        {
            throw Error(ParseErrorKind.SyntaxError, "An empty sparse vector {} is not allowed", pos);
        }

        var entries = new List<SparseEntry>();
        do
        {
            var keyToken = Expect(TokenKind.Integer, "an integer index in the sparse vector");
            if (!uint.TryParse(keyToken.Text, NumberStyles.None, CultureInfo.InvariantCulture, out uint key))
            {
                throw Error(ParseErrorKind.SyntaxError, $"Sparse index {keyToken.Text} is out of range (max {uint.MaxValue})", keyToken.Position);
            }

            Expect(TokenKind.Colon, "':' after the sparse index");
            bool negative = Accept(TokenKind.Minus);
            var w = Current;
            if (w.Kind != TokenKind.Float)
            {
                throw Unexpected("a float weight (e.g. 0.5) in the sparse vector");
            }

            Advance();
            double weight = double.Parse(w.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            entries.Add(new SparseEntry(key, negative ? -weight : weight));
        }
        while (Accept(TokenKind.Comma));
        Expect(TokenKind.RBrace, "'}' or ',' in the sparse vector");
        return new SparseVectorLiteral(pos, entries);
    }

    // ---------------------------------------------------------------- expressions

    /// <summary>Arithmetic: <c>term ((+|-) term)*</c>.</summary>
    private Expr ParseArith()
    {
        var left = ParseTerm();
        int chain = 0;
        while (Is(TokenKind.Plus) || Is(TokenKind.Minus))
        {
            var t = Advance();
            CheckChain(++chain, t.Position);
            left = new BinaryExpr(t.Position, t.Kind == TokenKind.Plus ? ArithmeticOp.Add : ArithmeticOp.Subtract, left, ParseTerm());
        }

        return left;
    }

    private Expr ParseTerm()
    {
        var left = ParseUnary();
        int chain = 0;
        while (Is(TokenKind.Star) || Is(TokenKind.Slash))
        {
            var t = Advance();
            CheckChain(++chain, t.Position);
            left = new BinaryExpr(t.Position, t.Kind == TokenKind.Star ? ArithmeticOp.Multiply : ArithmeticOp.Divide, left, ParseUnary());
        }

        return left;
    }

    private Expr ParseUnary()
    {
        if (!Is(TokenKind.Minus))
        {
            return ParsePrimary();
        }

        var pos = Advance().Position;
        if (Is(TokenKind.Integer))
        {
            var t = Advance();
            if (!ulong.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong mag) || mag > (ulong)long.MaxValue + 1)
            {
                throw Error(ParseErrorKind.SyntaxError, $"Integer -{t.Text} is out of range (min {long.MinValue})", pos);
            }

            return new IntegerLiteral(pos, -(Int128)mag);
        }

        if (Is(TokenKind.Float))
        {
            var t = Advance();
            return new FloatLiteral(pos, -double.Parse(t.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
        }

        Enter();
        var operand = ParseUnary();
        Exit();
        return new NegateExpr(pos, operand);
    }

    private Expr ParsePrimary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.Integer:
                Advance();
                if (!ulong.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u))
                {
                    throw Error(ParseErrorKind.SyntaxError, $"Integer {t.Text} is out of range (max {ulong.MaxValue})", t.Position);
                }

                return new IntegerLiteral(t.Position, u);
            case TokenKind.Float:
                Advance();
                return new FloatLiteral(t.Position, double.Parse(t.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
            case TokenKind.String:
                Advance();
                return new StringLiteral(t.Position, t.Text);
            case TokenKind.Parameter:
                Advance();
                return new ParameterRef(t.Position, t.Text);
            case TokenKind.LBracket:
                return ParseVectorLiteral();
            case TokenKind.LBrace:
                return ParseSparseLiteral();
            case TokenKind.LParen:
                {
                    Advance();
                    Enter();
                    Expr inner = IsKw("SELECT") ? new SubqueryExpr(t.Position, ParseSelect()) : ParseArith();
                    Exit();
                    Expect(TokenKind.RParen, "')'");
                    return inner;
                }

            case TokenKind.QuotedIdentifier:
                return ParseColumnRef("a column");
            case TokenKind.Word:
                return ParseWordPrimary(t);
            default:
                throw Unexpected("a value (column, literal, $parameter or function)");
        }
    }

    private Expr ParseWordPrimary(Token t)
    {
        string upper = t.Text.ToUpperInvariant();
        switch (upper)
        {
            case "TRUE":
            case "FALSE":
                Advance();
                return new BoolLiteral(t.Position, upper == "TRUE");
            case "NULL":
                Advance();
                return new NullLiteral(t.Position);
            case "INTERVAL" when Peek(1).Kind == TokenKind.String:
                Advance();
                return ParseInterval(t.Position, Advance());
            default:
                break;
        }

        if (Peek(1).Kind != TokenKind.LParen)
        {
            return ParseColumnRef("a column");
        }

        switch (upper)
        {
            case "NOW":
                Advance();
                Advance();
                Expect(TokenKind.RParen, "')' after NOW(");
                return new NowExpr(t.Position);
            case "SIMILARITY":
                return ParseSimilarity();
            case "COUNT":
            case "SUM":
            case "AVG":
            case "MIN":
            case "MAX":
            case "FIRST":
                return ParseAggregate(t, upper);
            case "ROW_NUMBER":
            case "RANK":
            case "DENSE_RANK":
                return ParseWindow(t, upper);
            case "GEO_DISTANCE":
            case "GEO_BBOX":
                return ParseFunctionCall();
            default:
                throw Error(ParseErrorKind.SyntaxError, $"Unknown or unsupported function '{t.Text}'", t.Position);
        }
    }

    private SimilarityExpr ParseSimilarity()
    {
        var pos = Advance().Position;
        Advance();
        if (Accept(TokenKind.RParen))
        {
            return new SimilarityExpr(pos, null, null);
        }

        var field = ParseColumnRef("a vector field in similarity()");
        Expect(TokenKind.Comma, "',' after the similarity() field");
        var vector = ParseDenseOperand("a vector ($param or [..]) in similarity()");
        Expect(TokenKind.RParen, "')' closing similarity(");
        return new SimilarityExpr(pos, field, vector);
    }

    private AggregateExpr ParseAggregate(Token t, string upper)
    {
        Advance();
        Advance();
        var fn = upper switch
        {
            "COUNT" => AggregateFunction.Count,
            "SUM" => AggregateFunction.Sum,
            "AVG" => AggregateFunction.Avg,
            "MIN" => AggregateFunction.Min,
            "MAX" => AggregateFunction.Max,
            _ => AggregateFunction.First,
        };
        ColumnRef? arg = null;
        if (Is(TokenKind.Star))
        {
            if (fn != AggregateFunction.Count)
            {
                throw Error(ParseErrorKind.SyntaxError, $"{upper}(*) is not valid; only COUNT(*) accepts '*'", Current.Position);
            }

            Advance();
        }
        else
        {
            arg = ParseColumnRef($"a column in {upper}(");
        }

        Expect(TokenKind.RParen, $"')' closing {upper}(");
        return new AggregateExpr(t.Position, fn, arg);
    }

    private WindowExpr ParseWindow(Token t, string upper)
    {
        Advance();
        Advance();
        Expect(TokenKind.RParen, $"')' ({upper}() takes no arguments)");
        ExpectKw("OVER");
        Expect(TokenKind.LParen, "'(' after OVER");
        var partition = new List<ColumnRef>();
        if (AcceptKw("PARTITION"))
        {
            ExpectKw("BY");
            do
            {
                partition.Add(ParseColumnRef("a PARTITION BY column"));
            }
            while (Accept(TokenKind.Comma));
        }

        var order = ParseOptionalOrderBy();
        Expect(TokenKind.RParen, "')' closing OVER (");
        var fn = upper switch
        {
            "ROW_NUMBER" => WindowFunction.RowNumber,
            "RANK" => WindowFunction.Rank,
            _ => WindowFunction.DenseRank,
        };
        return new WindowExpr(t.Position, fn, partition, order);
    }

    private FunctionCall ParseFunctionCall()
    {
        var t = Advance();
        Advance();
        Enter();
        var args = new List<Expr>();
        do
        {
            args.Add(ParseArith());
        }
        while (Accept(TokenKind.Comma));
        Exit();
        Expect(TokenKind.RParen, $"')' closing {t.Text}(");
        return new FunctionCall(t.Position, t.Text.ToUpperInvariant(), args);
    }

    private static IntervalExpr ParseInterval(SourcePosition pos, Token literal)
    {
        var parts = literal.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            throw Error(ParseErrorKind.SyntaxError, $"Invalid INTERVAL '{literal.Text}': expected '<number> <unit>'", literal.Position);
        }

        long unit = parts[1].ToUpperInvariant() switch
        {
            "S" or "SEC" or "SECS" or "SECOND" or "SECONDS" => 1,
            "M" or "MIN" or "MINS" or "MINUTE" or "MINUTES" => 60,
            "H" or "HOUR" or "HOURS" => 3600,
            "D" or "DAY" or "DAYS" => 86_400,
            "W" or "WEEK" or "WEEKS" => 604_800,
            "MONTH" or "MONTHS" => 2_592_000,
            _ => throw Error(ParseErrorKind.SyntaxError, $"Invalid INTERVAL unit '{parts[1]}'", literal.Position),
        };
        if (n > long.MaxValue / unit)
        {
            throw Error(ParseErrorKind.SyntaxError, $"INTERVAL '{literal.Text}' is out of range", literal.Position);
        }

        return new IntervalExpr(pos, literal.Text, n * unit);
    }

    // ---------------------------------------------------------------- MATCH

    private MatchStatement ParseMatchStatement()
    {
        var pos = ExpectKw("MATCH").Position;
        var pattern = ParseGraphPattern();
        if (Is(TokenKind.Comma))
        {
            throw Error(ParseErrorKind.SyntaxError, "Comma-separated MATCH patterns are not supported: use one linear chain", Current.Position);
        }

        Condition? where = AcceptKw("WHERE") ? ParseCondition() : null;
        ExpectKw("RETURN");
        var items = new List<SelectItem>();
        do
        {
            items.Add(ParseReturnItem());
        }
        while (Accept(TokenKind.Comma));
        var orderBy = ParseOptionalOrderBy();
        foreach (var item in orderBy)
        {
            if (item.Expression is BinaryExpr or NegateExpr)
            {
                RejectDottedArithmetic(item.Expression);
            }
        }

        ulong? limit = AcceptKw("LIMIT") ? ParseUnsigned("an integer LIMIT") : null;
        return new MatchStatement(pos, pattern, where, items, orderBy, limit);
    }

    private static void RejectDottedArithmetic(Expr e)
    {
        switch (e)
        {
            case ColumnRef c when c.Parts.Count > 1:
                throw Error(ParseErrorKind.SyntaxError, $"Arithmetic in MATCH ORDER BY takes bare identifiers, not '{c.Path}'", c.Pos);
            case BinaryExpr b:
                RejectDottedArithmetic(b.Left);
                RejectDottedArithmetic(b.Right);
                break;
            case NegateExpr n:
                RejectDottedArithmetic(n.Operand);
                break;
            default:
                break;
        }
    }

    private SelectItem ParseReturnItem()
    {
        var pos = Current.Position;
        Expr expr;
        if (Is(TokenKind.Star))
        {
            expr = new StarExpr(Advance().Position, null);
        }
        else if (IsKw("similarity") && Peek(1).Kind == TokenKind.LParen)
        {
            expr = ParseSimilarity();
            if (((SimilarityExpr)expr).Field is not null)
            {
                throw Error(ParseErrorKind.SyntaxError, "Only zero-argument similarity() is allowed in RETURN", pos);
            }
        }
        else if (Current.Kind == TokenKind.Word && Peek(1).Kind == TokenKind.LParen)
        {
            throw Error(ParseErrorKind.SyntaxError, $"Function calls such as '{Current.Text}(…)' are not allowed in MATCH RETURN (only similarity())", pos);
        }
        else
        {
            expr = ParseColumnRef("a RETURN item (alias, alias.property, * or similarity())");
        }

        return new SelectItem(pos, expr, ParseOptionalAlias());
    }

    private GraphPattern ParseGraphPattern()
    {
        var pos = Current.Position;
        var nodes = new List<NodePattern> { ParseNodePattern() };
        var rels = new List<RelPattern>();
        while (Is(TokenKind.Minus) || (Is(TokenKind.Lt) && Peek(1).Kind == TokenKind.Minus))
        {
            rels.Add(ParseRelPattern());
            nodes.Add(ParseNodePattern());
        }

        return new GraphPattern(pos, nodes, rels);
    }

    private NodePattern ParseNodePattern()
    {
        var pos = Expect(TokenKind.LParen, "'(' starting a node pattern").Position;
        string? alias = IsIdentifierToken(Current) ? Advance().Text : null;
        var labels = new List<string>();
        while (Accept(TokenKind.Colon))
        {
            labels.Add(ExpectNameAfter("a node label after ':'"));
        }

        string? collection = null;
        if (Accept(TokenKind.At))
        {
            collection = ExpectIdentifier("a collection name after '@'");
        }

        var props = Is(TokenKind.LBrace) ? ParsePropertyMap() : [];
        Expect(TokenKind.RParen, "')' closing the node pattern");
        return new NodePattern(pos, alias, labels, collection, props);
    }

    private string ExpectNameAfter(string what) =>
        Current.Kind is TokenKind.Word or TokenKind.QuotedIdentifier ? Advance().Text : throw Unexpected(what);

    private List<OptionEntry> ParsePropertyMap()
    {
        Expect(TokenKind.LBrace, "'{'");
        var props = new List<OptionEntry>();
        if (!Is(TokenKind.RBrace))
        {
            do
            {
                var pos = Current.Position;
                string key = ExpectNameAfter("a property name");
                Expect(TokenKind.Colon, $"':' after property '{key}'");
                var v = Current;
                Expr value = v.Kind switch
                {
                    TokenKind.String or TokenKind.Integer or TokenKind.Float or TokenKind.Parameter or TokenKind.Minus => ParseUnary(),
                    TokenKind.Word when v.IsKeyword("TRUE") || v.IsKeyword("FALSE") || v.IsKeyword("NULL") => ParsePrimary(),
                    _ => throw Unexpected("a property value (string, number, boolean, null or $param)"),
                };
                props.Add(new OptionEntry(pos, key, value));
            }
            while (Accept(TokenKind.Comma));
        }

        Expect(TokenKind.RBrace, "'}' or ',' in the property map");
        return props;
    }

    private RelPattern ParseRelPattern()
    {
        var pos = Current.Position;
        bool incoming = Accept(TokenKind.Lt);
        Expect(TokenKind.Minus, "'-' in a relationship pattern");
        Expect(TokenKind.LBracket, "'[' starting the relationship");
        string? alias = IsIdentifierToken(Current) ? Advance().Text : null;
        var types = new List<string>();
        if (Accept(TokenKind.Colon))
        {
            do
            {
                types.Add(ExpectNameAfter("a relationship type"));
            }
            while (Accept(TokenKind.Pipe));
        }

        HopRange? range = Is(TokenKind.Star) ? ParseHopRange() : null;
        var props = Is(TokenKind.LBrace) ? ParsePropertyMap() : [];
        Expect(TokenKind.RBracket, "']' closing the relationship");
        Expect(TokenKind.Minus, "'-' after the relationship");
        bool outgoing = Accept(TokenKind.Gt);
        if (incoming && outgoing)
        {
            throw Error(ParseErrorKind.SyntaxError, "A relationship cannot point both ways (<-[…]->)", pos);
        }

        var direction = incoming ? RelDirection.Incoming : outgoing ? RelDirection.Outgoing : RelDirection.Both;
        return new RelPattern(pos, alias, types, direction, range, props);
    }

    private HopRange ParseHopRange()
    {
        var pos = Advance().Position;
        int min = 1;
        long max;
        if (Is(TokenKind.Integer))
        {
            min = ParseHops();
            if (Accept(TokenKind.DotDot))
            {
                if (!Is(TokenKind.Integer))
                {
                    throw GraphBudget(pos, "an open range '*n..' is unbounded");
                }

                max = ParseHops();
            }
            else
            {
                max = min;
            }
        }
        else if (Accept(TokenKind.DotDot))
        {
            max = Is(TokenKind.Integer) ? ParseHops() : throw GraphBudget(pos, "an open range '*..' is unbounded");
        }
        else
        {
            throw GraphBudget(pos, "an unbounded '*' range");
        }

        if (max > VelesQLLimits.MaxGraphHops)
        {
            throw GraphBudget(pos, $"range upper bound {max}");
        }

        if (min > max)
        {
            throw Error(ParseErrorKind.SyntaxError, $"Invalid hop range: min {min} is greater than max {max}", pos);
        }

        return new HopRange(min, (int)max);
    }

    private int ParseHops()
    {
        var t = Advance();
        return int.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : int.MaxValue;
    }

    private static VelesQLParseException GraphBudget(SourcePosition pos, string what) =>
        Error(ParseErrorKind.ComplexityLimit, $"[E007] Graph expansion exceeded: max={VelesQLLimits.MaxGraphHops} ({what})", pos);

    // ---------------------------------------------------------------- DML / DDL

    private InsertStatement ParseInsert(bool upsert)
    {
        var pos = Advance().Position;
        ExpectKw("INTO");
        string collection = ExpectIdentifier("a collection name");
        Expect(TokenKind.LParen, "'(' starting the column list");
        var columns = new List<string>();
        do
        {
            columns.Add(ExpectIdentifier("a column name"));
        }
        while (Accept(TokenKind.Comma));
        Expect(TokenKind.RParen, "')' or ',' in the column list");
        ExpectKw("VALUES");
        var rows = new List<IReadOnlyList<Expr>>();
        do
        {
            var rowPos = Current.Position;
            var row = ParseValueList();
            if (row.Count != columns.Count)
            {
                throw Error(ParseErrorKind.SyntaxError,
                    $"VALUES row {rows.Count + 1} has {row.Count} values but the column list has {columns.Count}", rowPos);
            }

            rows.Add(row);
        }
        while (Accept(TokenKind.Comma));
        return new InsertStatement(pos, upsert, collection, columns, rows);
    }

    private UpdateStatement ParseUpdate()
    {
        var pos = Advance().Position;
        string collection = ExpectIdentifier("a collection name");
        ExpectKw("SET");
        var assignments = new List<OptionEntry>();
        do
        {
            var apos = Current.Position;
            var col = ParseColumnRef("a column to SET");
            Expect(TokenKind.Eq, "'=' in SET");
            assignments.Add(new OptionEntry(apos, col.Path, ParseArith()));
        }
        while (Accept(TokenKind.Comma));
        Condition? where = AcceptKw("WHERE") ? ParseCondition() : null;
        return new UpdateStatement(pos, collection, assignments, where);
    }

    private Statement ParseDelete()
    {
        var pos = Advance().Position;
        if (AcceptKw("EDGE"))
        {
            ulong id = ParseUnsigned("an edge id");
            ExpectKw("FROM");
            return new DeleteEdgeStatement(pos, id, ExpectIdentifier("a collection name"));
        }

        ExpectKw("FROM");
        string collection = ExpectIdentifier("a collection name");
        if (!IsKw("WHERE"))
        {
            throw Unexpected("WHERE (DELETE requires a WHERE clause; use TRUNCATE to delete every row)");
        }

        Advance();
        return new DeleteStatement(pos, collection, ParseCondition());
    }

    private TrainQuantizerStatement ParseTrain()
    {
        var pos = Advance().Position;
        ExpectKw("QUANTIZER");
        ExpectKw("ON");
        string collection = ExpectIdentifier("a collection name");
        ExpectKw("WITH");
        return new TrainQuantizerStatement(pos, collection, ParseOptionList());
    }

    private Statement ParseCreate()
    {
        var pos = Advance().Position;
        if (AcceptKw("INDEX"))
        {
            return ParseIndexTail(pos, false);
        }

        var kind = CollectionKind.Vector;
        if (AcceptKw("GRAPH"))
        {
            kind = CollectionKind.Graph;
        }
        else if (AcceptKw("METADATA"))
        {
            kind = CollectionKind.Metadata;
        }

        ExpectKw("COLLECTION");
        string name = ExpectIdentifier("a collection name");
        IReadOnlyList<OptionEntry> options = Is(TokenKind.LParen) ? ParseOptionList() : [];
        bool schemaless = false;
        var nodeTypes = new List<NodeTypeSchema>();
        var edgeTypes = new List<EdgeTypeSchema>();
        IReadOnlyList<OptionEntry> with = [];
        if (AcceptKw("SCHEMALESS"))
        {
            schemaless = true;
        }
        else if (AcceptKw("WITH"))
        {
            if (AcceptKw("SCHEMA"))
            {
                ParseSchema(nodeTypes, edgeTypes);
            }
            else
            {
                with = ParseOptionList();
            }
        }

        return new CreateCollectionStatement(pos, kind, name, options, schemaless, nodeTypes, edgeTypes, with);
    }

    private void ParseSchema(List<NodeTypeSchema> nodeTypes, List<EdgeTypeSchema> edgeTypes)
    {
        Expect(TokenKind.LParen, "'(' after WITH SCHEMA");
        do
        {
            var pos = Current.Position;
            if (AcceptKw("NODE"))
            {
                string label = ExpectIdentifier("a node type name");
                var props = new List<KeyValuePair<string, string>>();
                if (Accept(TokenKind.LParen))
                {
                    do
                    {
                        string prop = ExpectIdentifier("a property name");
                        Expect(TokenKind.Colon, "':' after the property name");
                        props.Add(new(prop, ExpectNameAfter("a property type")));
                    }
                    while (Accept(TokenKind.Comma));
                    Expect(TokenKind.RParen, "')' closing the node properties");
                }

                nodeTypes.Add(new NodeTypeSchema(pos, label, props));
            }
            else if (AcceptKw("EDGE"))
            {
                string label = ExpectIdentifier("an edge type name");
                ExpectKw("FROM");
                string from = ExpectIdentifier("a source node type");
                ExpectKw("TO");
                edgeTypes.Add(new EdgeTypeSchema(pos, label, from, ExpectIdentifier("a target node type")));
            }
            else
            {
                throw Unexpected("NODE or EDGE in WITH SCHEMA");
            }
        }
        while (Accept(TokenKind.Comma));
        Expect(TokenKind.RParen, "')' closing WITH SCHEMA");
    }

    private IndexStatement ParseIndexTail(SourcePosition pos, bool drop)
    {
        ExpectKw("ON");
        string collection = ExpectIdentifier("a collection name");
        Expect(TokenKind.LParen, "'(' around the indexed field");
        var field = ParseColumnRef("a field name");
        Expect(TokenKind.RParen, "')' after the indexed field");
        return new IndexStatement(pos, drop, collection, field.Path);
    }

    private Statement ParseDrop()
    {
        var pos = Advance().Position;
        if (AcceptKw("INDEX"))
        {
            return ParseIndexTail(pos, true);
        }

        ExpectKw("COLLECTION");
        bool ifExists = false;
        if (IsKw("IF") && Peek(1).IsKeyword("EXISTS"))
        {
            Advance();
            Advance();
            ifExists = true;
        }

        return new DropCollectionStatement(pos, ExpectIdentifier("a collection name"), ifExists);
    }

    private InsertEdgeStatement ParseInsertEdge()
    {
        var pos = Advance().Position;
        Advance();
        ExpectKw("INTO");
        string collection = ExpectIdentifier("a collection name");
        var fields = ParseOptionList();
        IReadOnlyList<OptionEntry> props = [];
        if (AcceptKw("WITH"))
        {
            ExpectKw("PROPERTIES");
            props = ParseOptionList();
        }

        return new InsertEdgeStatement(pos, collection, fields, props);
    }

    private InsertNodeStatement ParseInsertNode()
    {
        var pos = Advance().Position;
        Advance();
        ExpectKw("INTO");
        string collection = ExpectIdentifier("a collection name");
        return new InsertNodeStatement(pos, collection, ParseOptionList());
    }

    private SelectEdgesStatement ParseSelectEdges()
    {
        var pos = Advance().Position;
        Advance();
        ExpectKw("FROM");
        string collection = ExpectIdentifier("a collection name");
        var filters = new List<OptionEntry>();
        if (AcceptKw("WHERE"))
        {
            do
            {
                var fpos = Current.Position;
                if (!(IsKw("source") || IsKw("target") || IsKw("label")))
                {
                    throw Unexpected("source, target or label in SELECT EDGES WHERE");
                }

                string key = Advance().Text.ToLowerInvariant();
                Expect(TokenKind.Eq, $"'=' after {key}");
                filters.Add(new OptionEntry(fpos, key, ParseArith()));
                if (filters.Count > 2)
                {
                    throw Error(ParseErrorKind.SyntaxError, "SELECT EDGES accepts at most 2 filter terms", fpos);
                }
            }
            while (AcceptKw("AND"));
        }

        ulong? limit = AcceptKw("LIMIT") ? ParseUnsigned("an integer LIMIT") : null;
        return new SelectEdgesStatement(pos, collection, filters, limit);
    }
}
