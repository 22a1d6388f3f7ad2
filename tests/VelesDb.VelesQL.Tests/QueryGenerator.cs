using System.Globalization;
using System.Text;

namespace VelesDb.VelesQL.Tests;

/// <summary>A seeded, grammar-based generator of valid VelesQL queries, plus token-level mutators.</summary>
internal sealed class QueryGenerator(int seed)
{
    private static readonly string[] Columns = ["id", "title", "lang", "stars", "meta.author", "`order`", "\"from\"", "created_at"];
    private static readonly string[] Collections = ["notes", "docs", "kg", "items"];
    private readonly Random _rng = new(seed);

    private T Pick<T>(T[] items) => items[_rng.Next(items.Length)];

    private bool Chance(int percent) => _rng.Next(100) < percent;

    public string Query()
    {
        var sb = new StringBuilder();
        if (Chance(15))
        {
            sb.Append("LET mix = ").Append(Arith(2)).Append(' ');
        }

        sb.Append(_rng.Next(16) switch
        {
            < 7 => Compound(),
            7 or 8 => Match(),
            9 => $"INSERT INTO {Pick(Collections)} (id, title) VALUES ({Int()}, {Str()}), ({Int()}, $t)",
            10 => $"UPDATE {Pick(Collections)} SET stars = {Value()}" + (Chance(50) ? " WHERE " + Cond(2) : ""),
            11 => $"DELETE FROM {Pick(Collections)} WHERE {Cond(2)}",
            12 => $"TRAIN QUANTIZER ON {Pick(Collections)} WITH (m = 8, k = 256, type = {Pick(new[] { "pq", "opq", "rabitq" })})",
            13 => Pick(new[] { "SHOW COLLECTIONS", "FLUSH FULL notes", "DESCRIBE notes", "ANALYZE COLLECTION docs", "TRUNCATE kg", "DROP COLLECTION IF EXISTS x", "CREATE INDEX ON notes (lang)" }),
            14 => $"INSERT EDGE INTO kg (source = {Int()}, target = {Int()}, label = 'R') WITH PROPERTIES (w = 0.5)",
            _ => "EXPLAIN " + Select(),
        });
        if (Chance(20))
        {
            sb.Append(';');
        }

        return sb.ToString();
    }

    private string Compound()
    {
        var s = Select();
        while (Chance(20))
        {
            s += " " + Pick(new[] { "UNION", "UNION ALL", "INTERSECT", "EXCEPT" }) + " " + Select();
        }

        return s;
    }

    private string Select()
    {
        var sb = new StringBuilder("SELECT ");
        if (Chance(10))
        {
            sb.Append("DISTINCT ");
        }

        if (Chance(25))
        {
            sb.Append('*');
        }
        else
        {
            int n = 1 + _rng.Next(3);
            for (int i = 0; i < n; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }

                sb.Append(_rng.Next(6) switch
                {
                    0 => "similarity()",
                    1 => Pick(new[] { "COUNT(*)", "AVG(stars)", "MAX(score)", "FIRST(title)" }),
                    2 => "ROW_NUMBER() OVER (PARTITION BY lang ORDER BY stars DESC)",
                    _ => Pick(Columns),
                });
                if (Chance(40))
                {
                    sb.Append(" AS a").Append(i);
                }
            }
        }

        sb.Append(" FROM ").Append(Pick(Collections));
        if (Chance(30))
        {
            sb.Append(" AS n");
        }

        if (Chance(15))
        {
            sb.Append(' ').Append(Pick(new[] { "JOIN", "LEFT JOIN", "RIGHT OUTER JOIN", "FULL JOIN" })).Append(" users AS u ON n.owner = u.id");
        }

        if (Chance(70))
        {
            sb.Append(" WHERE ").Append(Cond(3));
        }

        if (Chance(15))
        {
            sb.Append(" GROUP BY lang");
            if (Chance(50))
            {
                sb.Append(" HAVING COUNT(*) >= 2");
            }
        }

        if (Chance(40))
        {
            sb.Append(" ORDER BY ").Append(Chance(50) ? "similarity()" : Arith(2)).Append(Pick(new[] { "", " ASC", " DESC" }));
        }

        if (Chance(60))
        {
            sb.Append(" LIMIT ").Append(_rng.Next(1000));
        }

        if (Chance(20))
        {
            sb.Append(" OFFSET ").Append(_rng.Next(100));
        }

        if (Chance(15))
        {
            sb.Append(" WITH (mode = 'accurate', ef_search = 128, rerank = true)");
        }

        if (Chance(10))
        {
            sb.Append(" USING FUSION(strategy = 'rrf', k = 60)");
        }

        return sb.ToString();
    }

    private string Cond(int depth)
    {
        if (depth > 0 && Chance(40))
        {
            return _rng.Next(3) switch
            {
                0 => Cond(depth - 1) + " AND " + Cond(depth - 1),
                1 => Cond(depth - 1) + " OR " + Cond(depth - 1),
                _ => "NOT (" + Cond(depth - 1) + ")",
            };
        }

        string col = Pick(Columns);
        return _rng.Next(16) switch
        {
            0 => $"{col} {Pick(new[] { "=", "!=", "<>", "<", "<=", ">", ">=" })} {Value()}",
            1 => $"{col} {(Chance(50) ? "NOT " : "")}IN ({Value()}, {Value()})",
            2 => $"{col} BETWEEN {Int()} AND {Int()}",
            3 => $"{col} {Pick(new[] { "LIKE", "ILIKE" })} 'a%_'",
            4 => $"{col} IS {(Chance(50) ? "NOT " : "")}NULL",
            5 => $"{col} MATCH 'graph index'",
            6 => "vector NEAR " + (Chance(50) ? "$q" : Vector()),
            7 => "vector SPARSE_NEAR " + (Chance(50) ? "$s" : "{1: 0.5, 7: 0.25}") + (Chance(30) ? " USING 'splade'" : ""),
            8 => "vector NEAR_FUSED [$a, $b]" + (Chance(50) ? " USING FUSION 'rrf' (k = 60)" : ""),
            9 => "similarity(vector, $q) >= 0.75",
            10 => "MATCH (p)-[:CITES*1..3]->(q:Paper)",
            11 => $"{col} > NOW() - INTERVAL '{1 + _rng.Next(9)} {Pick(new[] { "hours", "days", "min", "s" })}'",
            12 => $"{col} >= (SELECT MAX(stars) FROM notes WHERE lang = 'fr')",
            13 => $"tags CONTAINS {Pick(new[] { "ANY ('ml', 'ir')", "ALL (1, 2)", "'x'" })}",
            14 => "GEO_DISTANCE(loc, 45.76, 4.84) < 2000",
            _ => $"{col} CONTAINS_TEXT 'HNSW'",
        };
    }

    private string Arith(int depth)
    {
        if (depth > 0 && Chance(50))
        {
            string a = Arith(depth - 1), b = Arith(depth - 1);
            return Chance(30) ? $"({a} {Pick(new[] { "+", "-" })} {b})" : $"{a} {Pick(new[] { "+", "-", "*", "/" })} {b}";
        }

        return Pick(new[] { "vector_score", "bm25_score", "0.7", "2", "similarity()", "stars" });
    }

    private string Match()
    {
        var sb = new StringBuilder("MATCH (a:User {handle: 'ana'})");
        int hops = 1 + _rng.Next(3);
        for (int i = 0; i < hops; i++)
        {
            string range = Chance(40) ? $"*{1 + _rng.Next(3)}..{4 + _rng.Next(28)}" : "";
            sb.Append(_rng.Next(3) switch
            {
                0 => $"-[:R{i}{range}]->",
                1 => $"<-[r{i}:R{range}]-",
                _ => $"-[{range}]-",
            }).Append("(n").Append(i).Append(')');
        }

        if (Chance(40))
        {
            sb.Append(" WHERE a.age > ").Append(Int());
        }

        sb.Append(" RETURN a.handle, n0").Append(Chance(30) ? ", similarity() AS s" : "");
        if (Chance(30))
        {
            sb.Append(" ORDER BY depth DESC");
        }

        if (Chance(50))
        {
            sb.Append(" LIMIT ").Append(1 + _rng.Next(100));
        }

        return sb.ToString();
    }

    private string Value() => _rng.Next(6) switch
    {
        0 => Int(),
        1 => (_rng.NextDouble() * 100 - 50).ToString("0.0##", CultureInfo.InvariantCulture),
        2 => Str(),
        3 => Pick(new[] { "TRUE", "false", "NULL" }),
        4 => "$p" + _rng.Next(3),
        _ => "18446744073709551615",
    };

    private string Int() => (_rng.Next(2000) - 1000).ToString(CultureInfo.InvariantCulture);

    private string Str() => Pick(new[] { "'fr'", "'O''Brien'", "''", "'x y'" });

    private string Vector() => "[" + string.Join(", ", Enumerable.Range(0, 1 + _rng.Next(4)).Select(_ => (_rng.NextDouble() * 2 - 1).ToString("0.0##", CultureInfo.InvariantCulture))) + "]";

    /// <summary>Applies one random token-level mutation (delete, insert, swap, duplicate, truncate).</summary>
    public string Mutate(string query)
    {
        var tokens = Lexer.Tokenize(query).Where(t => t.Kind != TokenKind.End).Select(t => Render(t)).ToList();
        if (tokens.Count == 0)
        {
            return query;
        }

        string[] junk = ["(", ")", "[", "]", "{", "}", ",", "*", "-", "..", "NOT", "AND", "SELECT", "FROM", "WHERE", "'", "$", "@", ":", "1", "1.5", "NULL", "MATCH", "->", "<-", "|", ";", "LIMIT", "AS", "=", "EDGE"];
        int i = _rng.Next(tokens.Count);
        switch (_rng.Next(6))
        {
            case 0:
                tokens.RemoveAt(i);
                break;
            case 1:
                tokens.Insert(i, Pick(junk));
                break;
            case 2:
                int j = _rng.Next(tokens.Count);
                (tokens[i], tokens[j]) = (tokens[j], tokens[i]);
                break;
            case 3:
                tokens.Insert(i, tokens[i]);
                break;
            case 4:
                return query[.._rng.Next(query.Length)];
            default:
                tokens[i] = Pick(junk);
                break;
        }

        return string.Join(' ', tokens);
    }

    private static string Render(Token t) => t.Kind switch
    {
        TokenKind.String => "'" + t.Text.Replace("'", "''", StringComparison.Ordinal) + "'",
        TokenKind.QuotedIdentifier => "\"" + t.Text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        TokenKind.Parameter => "$" + t.Text,
        _ => t.Text,
    };
}
