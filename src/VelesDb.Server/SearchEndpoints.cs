using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VelesDb.Contracts;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Fusion;
using VelesDb.Core.Index.Sparse;
using VelesDb.Core.Search;

namespace VelesDb.Server;

/// <summary>The search routes (REST spec §2.4 #34–40).</summary>
internal static class SearchEndpoints
{
    private const int DefaultTopK = 10;

    /// <summary>Maps the routes on a route group.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes = routes.MapGroup(string.Empty).AddEndpointFilter<RouteGroupBuilder, SearchFilter>().AsHeavyWork();
        routes.MapPost("/collections/{name}/search", Search);
        routes.MapPost("/collections/{name}/search/ids", SearchIds);
        routes.MapPost("/collections/{name}/search/batch", Batch);
        routes.MapPost("/collections/{name}/search/multi", Multi);
        routes.MapPost("/collections/{name}/search/multi/ids", MultiIds);
        routes.MapPost("/collections/{name}/search/text", Text);
        routes.MapPost("/collections/{name}/search/hybrid", Hybrid);
    }

    /// <summary>Dense, sparse or hybrid dense + sparse search with payloads.</summary>
    public static IResult Search(string name, SearchRequest body, DatabaseHost host, TimeProvider clock, CancellationToken aborted) =>
        Run(name, host, collection =>
        {
            var plan = Plan(body);
            if (plan.Error is { } error)
            {
                return error;
            }

            return WithTimeout(name, body.TimeoutMs, clock, token =>
            {
                var options = plan.Options with { Cancellation = token };
                var k = body.TopK ?? DefaultTopK;
                var hits = plan.Sparse is not { } sparse
                    ? collection.Search(body.Vector, k, options)
                    : plan.Dense
                        ? collection.HybridSparseSearch(body.Vector, sparse, k, plan.Fusion, plan.SparseName, options)
                        : collection.SparseSearch(sparse, k, plan.SparseName, options.Filter, cancellation: token);
                return Hits(hits);
            }, aborted);
        });

    /// <summary>As <see cref="Search"/>, answering ids and scores only.</summary>
    public static IResult SearchIds(string name, SearchRequest body, DatabaseHost host, TimeProvider clock, CancellationToken aborted) =>
        Run(name, host, collection =>
        {
            var plan = Plan(body);
            if (plan.Error is { } error)
            {
                return error;
            }

            return WithTimeout(name, body.TimeoutMs, clock, token =>
            {
                var options = plan.Options with { Cancellation = token };
                var k = body.TopK ?? DefaultTopK;
                IReadOnlyList<ScoredId> hits = plan.Sparse is not { } sparse
                    ? collection.SearchIds(body.Vector, k, options)
                    : plan.Dense
                        ? [.. collection.HybridSparseSearch(body.Vector, sparse, k, plan.Fusion, plan.SparseName, options with { WithPayload = false }).Select(h => new ScoredId(h.Id, h.Score))]
                        : [.. collection.SparseSearch(sparse, k, plan.SparseName, options.Filter, withPayload: false, token).Select(h => new ScoredId(h.Id, h.Score))];
                return Ids(hits);
            }, aborted);
        });

    /// <summary>Independent dense searches, each with its own vector, top_k and filter.</summary>
    public static IResult Batch(string name, BatchSearchRequest body, DatabaseHost host, CancellationToken aborted) =>
        Run(name, host, collection =>
        {
            if (body.Searches is null)
            {
                return BadRequest("The body needs a \"searches\" array: {\"searches\": [{\"vector\": [...], \"top_k\": 10}]}.");
            }

            if (body.Searches.Count > Collection.MaxQueriesPerCall)
            {
                return BadRequest(string.Create(CultureInfo.InvariantCulture, $"Batch too large: {body.Searches.Count} searches (at most {Collection.MaxQueriesPerCall}); split it into smaller batches."));
            }

            var filters = new Filter?[body.Searches.Count];
            for (var i = 0; i < body.Searches.Count; i++)
            {
                var item = body.Searches[i];
                if (item.Vector is not { Length: > 0 })
                {
                    return BadRequest(string.Create(CultureInfo.InvariantCulture, $"Invalid query at index {i}: 'vector' is required. Hint: give every search a dense \"vector\"; sparse queries go to /search."));
                }

                if (!TryFilter(item.Filter, out filters[i], out var message))
                {
                    return BadRequest(string.Create(CultureInfo.InvariantCulture, $"Invalid filter at index {i}: {message}"));
                }
            }

            var started = Stopwatch.GetTimestamp();
            var results = new SearchResponse[body.Searches.Count];
            for (var i = 0; i < results.Length; i++)
            {
                var item = body.Searches[i];
                try
                {
                    results[i] = new SearchResponse(ToHits(collection.Search(item.Vector, item.TopK ?? DefaultTopK, new SearchOptions { Filter = filters[i], Cancellation = aborted })));
                }
                catch (VelesDbException e)
                {
                    return SearchFailure(e, string.Create(CultureInfo.InvariantCulture, $"Invalid query at index {i}: "));
                }
            }

            return Results.Json(
                new BatchSearchResponse(results, Stopwatch.GetElapsedTime(started).TotalMilliseconds),
                ContractsJsonContext.Wire.BatchSearchResponse);
        });

    /// <summary>Several query vectors fused into one ranking, with payloads.</summary>
    public static IResult Multi(string name, MultiQueryRequest body, DatabaseHost host, CancellationToken aborted) =>
        Run(name, host, collection =>
        {
            if (MultiInputs(body) is { } error)
            {
                return error;
            }

            if (!TryFilter(body.Filter, out var filter, out var message))
            {
                return BadRequest(message);
            }

            var hits = collection.MultiQuerySearch(body.Vectors!, body.TopK ?? DefaultTopK, MultiStrategy(body)!, new SearchOptions { Filter = filter, Cancellation = aborted });
            return Hits(hits);
        });

    /// <summary>As <see cref="Multi"/>, ids and scores only; filters are refused.</summary>
    public static IResult MultiIds(string name, MultiQueryRequest body, DatabaseHost host, CancellationToken aborted) =>
        Run(name, host, collection =>
        {
            if (MultiInputs(body) is { } error)
            {
                return error;
            }

            if (body.Filter is { ValueKind: not JsonValueKind.Null })
            {
                return BadRequest("Metadata filters are not supported on /search/multi/ids. Hint: use /search/multi, which accepts a filter and returns payloads.");
            }

            return Ids(collection.MultiQuerySearchIds(body.Vectors!, body.TopK ?? DefaultTopK, MultiStrategy(body)!, new SearchOptions { Cancellation = aborted }));
        });

    /// <summary>BM25 full-text search.</summary>
    public static IResult Text(string name, TextSearchRequest body, DatabaseHost host, CancellationToken aborted) =>
        Run(name, host, collection =>
        {
            if (body.Query is null)
            {
                return BadRequest("The body needs a \"query\" string: {\"query\": \"words to find\", \"top_k\": 10}.");
            }

            if (!TryFilter(body.Filter, out var filter, out var message))
            {
                return BadRequest(message);
            }

            return Hits(collection.TextSearch(body.Query, body.TopK ?? DefaultTopK, filter, cancellation: aborted));
        });

    /// <summary>Dense + full-text hybrid search (weighted reciprocal rank fusion).</summary>
    public static IResult Hybrid(string name, HybridSearchRequest body, DatabaseHost host, CancellationToken aborted) =>
        Run(name, host, collection =>
        {
            if (body.Vector is not { Length: > 0 })
            {
                return BadRequest("The body needs a dense \"vector\" and a \"query\" string: {\"vector\": [...], \"query\": \"words\", \"top_k\": 10}.");
            }

            if (body.Query is null)
            {
                return BadRequest("The body needs a \"query\" string next to the vector: {\"vector\": [...], \"query\": \"words\"}.");
            }

            if (!TryFilter(body.Filter, out var filter, out var message))
            {
                return BadRequest(message);
            }

            var hits = collection.HybridSearch(
                body.Vector,
                body.Query,
                body.TopK ?? DefaultTopK,
                body.VectorWeight ?? HybridFusion.DefaultVectorWeight,
                options: new SearchOptions { Filter = filter, Cancellation = aborted });
            return Results.Json(
                new SearchResponse([.. hits.Select(h => new SearchHit(h.Id, h.Score, h.Payload))]),
                ContractsJsonContext.Wire.SearchResponse);
        });

    /// <summary>The longest timeout honoured; larger values wait this long (about 24.8 days).</summary>
    private const long MaxTimeoutMs = int.MaxValue;

    /// <summary>
    /// Runs a search under its <c>timeout_ms</c>: 0 answers 408 at once; otherwise the search gets a
    /// token cancelled when the timeout expires or the client goes away, so Core stops the work, and
    /// an expiry answers 408 <c>VELES-027</c>. Without a timeout the token is the client's.
    /// </summary>
    private static IResult WithTimeout(string name, long? timeoutMs, TimeProvider clock, Func<CancellationToken, IResult> search, CancellationToken aborted)
    {
        if (timeoutMs is not { } ms)
        {
            return search(aborted);
        }

        if (ms == 0)
        {
            return TimedOut(name, ms);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(Math.Min(ms, MaxTimeoutMs)), clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, aborted);
        try
        {
            return search(linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            return TimedOut(name, ms);
        }
    }

    private static IResult TimedOut(string name, long ms) => ErrorMapping.Flat(
        StatusCodes.Status408RequestTimeout,
        string.Create(CultureInfo.InvariantCulture, $"Search on collection '{name}' exceeded the requested timeout of {ms} ms and was stopped. Hint: raise timeout_ms, lower top_k or ef_search, or add a filter that narrows the search."),
        VelesDbException.Format(VelesDbErrorCode.GuardRail));

    /// <summary>Looks the collection up (a missing one is 404 VELES-002) and maps core errors of the search itself.</summary>
    private static IResult Run(string name, DatabaseHost host, Func<Collection, IResult> search)
    {
        Collection collection;
        try
        {
            collection = host.Database.GetCollection(name);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        try
        {
            return search(collection);
        }
        catch (VelesDbException e)
        {
            return SearchFailure(e, string.Empty);
        }
    }

    /// <summary>A core error of a search: the §1.4 status, the code, and a hint on how to fix the request.</summary>
    private static IResult SearchFailure(VelesDbException e, string prefix)
    {
        var hint = e.Hint ?? e.Code switch
        {
            VelesDbErrorCode.DimensionMismatch => "Send query vectors with exactly the collection's dimension (GET /collections/{name} shows it).",
            VelesDbErrorCode.InvalidVector => "Vector components and sparse weights must be finite numbers, with as many sparse values as indices.",
            VelesDbErrorCode.SearchNotSupported => "Metadata-only collections have no vectors; use /query or /search/text instead.",
            VelesDbErrorCode.Config => "Check top_k (1..100000), mode, ef_search, fusion parameters and the sparse index name.",
            _ => "Check the request against the collection's configuration.",
        };
        return ErrorMapping.Flat(ErrorMapping.StatusOf(e.Code), $"{prefix}{e.Message} Hint: {hint}", e.CodeString);
    }

    private static IResult BadRequest(string message) => ErrorMapping.Flat(StatusCodes.Status400BadRequest, message);

    private static IResult Hits(IReadOnlyList<SearchResult> hits) =>
        Results.Json(new SearchResponse(ToHits(hits)), ContractsJsonContext.Wire.SearchResponse);

    private static List<SearchHit> ToHits(IReadOnlyList<SearchResult> hits) => [.. hits.Select(h => new SearchHit(h.Id, h.Score, h.Payload))];

    private static IResult Ids(IReadOnlyList<ScoredId> hits) =>
        Results.Json(new SearchIdsResponse([.. hits.Select(h => new ScoredHit(h.Id, h.Score))]), ContractsJsonContext.Wire.SearchIdsResponse);

    /// <summary>Parses an optional filter; false with a "Invalid filter: …" message (no code) when it is not one.</summary>
    private static bool TryFilter(JsonElement? element, out Filter? filter, out string message)
    {
        filter = null;
        message = string.Empty;
        if (element is not { ValueKind: not JsonValueKind.Null } value)
        {
            return true;
        }

        try
        {
            filter = Filter.FromJson(value);
            return true;
        }
        catch (VelesDbException e)
        {
            message = $"Invalid filter: {e.Message} Hint: a filter is {{\"condition\": {{\"type\": \"eq\", \"field\": \"category\", \"value\": \"tech\"}}}}.";
            return false;
        }
    }

    /// <summary>What a <see cref="SearchRequest"/> asks for, or the 400 answer explaining why it cannot be run.</summary>
    private sealed record SearchPlan(bool Dense, SparseVector? Sparse, string SparseName, FusionStrategy? Fusion, SearchOptions Options, IResult? Error);

    private static SearchPlan Plan(SearchRequest body)
    {
        SearchPlan Fail(string message) => new(false, null, string.Empty, null, SearchOptions.Default, BadRequest(message));

        if (body.TimeoutMs is < 0)
        {
            return Fail($"timeout_ms must be 0 or more, got {body.TimeoutMs}. Hint: give the most milliseconds the search may take, or leave it out for no limit.");
        }

        if (!TryFilter(body.Filter, out var filter, out var filterMessage))
        {
            return Fail(filterMessage);
        }

        var quality = SearchQuality.Balanced;
        if (body.Mode is { } mode)
        {
            var normalized = mode.Trim().ToLowerInvariant();
            if (normalized is "autotune" or "auto_tune" or "auto")
            {
                quality = SearchQuality.Balanced;
            }
            else
            {
                try
                {
                    quality = SearchQuality.Parse(normalized);
                }
                catch (VelesDbException e)
                {
                    return Fail($"{e.Message} Hint: use fast, balanced, accurate, perfect, autotune, custom:<ef> or adaptive:<min>:<max>.");
                }
            }
        }

        var options = new SearchOptions { Filter = filter, Quality = quality, EfSearch = body.EfSearch };
        var dense = body.Vector is { Length: > 0 };

        JsonElement? sparseJson = null;
        var sparseName = body.SparseIndex ?? string.Empty;
        if (body.SparseVector is { ValueKind: not JsonValueKind.Null } single)
        {
            sparseJson = single;
        }
        else if (body.SparseVectors is { Count: > 0 } named)
        {
            if (body.SparseIndex is { } index)
            {
                if (!named.TryGetValue(index, out var chosen))
                {
                    return Fail($"sparse_index '{index}' is not a key of sparse_vectors. Hint: name one of the given sparse vectors.");
                }

                sparseJson = chosen;
            }
            else if (named.Count > 1)
            {
                return Fail("Ambiguous sparse query: sparse_vectors has several entries. Hint: add \"sparse_index\" naming the one to search.");
            }
            else
            {
                var only = named.First();
                sparseName = only.Key;
                sparseJson = only.Value;
            }
        }

        if (!dense && sparseJson is null)
        {
            return Fail("Either 'vector' or 'sparse_vector' must be provided. Hint: send a dense \"vector\", a \"sparse_vector\", or both for hybrid search.");
        }

        SparseVector? sparse = null;
        if (sparseJson is { } json)
        {
            if (!SparseVector.TryFromJson(json, out sparse, out var sparseMessage))
            {
                return Fail(sparseMessage);
            }
        }

        FusionStrategy? fusion = null;
        if (dense && sparse is not null && body.Fusion is { } f)
        {
            try
            {
                fusion = HybridStrategy(f);
            }
            catch (VelesDbException e)
            {
                return Fail($"Invalid fusion: {e.Message}");
            }

            if (fusion is null)
            {
                return Fail($"Invalid fusion strategy '{f.Strategy}'. Hint: use rrf, rsf (relative_score), average (avg), maximum (max) or weighted.");
            }
        }

        return new SearchPlan(dense, sparse, sparseName, fusion, options, null);
    }

    /// <summary>The fusion of a hybrid dense + sparse search; null for an unknown strategy name.</summary>
    private static FusionStrategy? HybridStrategy(FusionRequest f) => (f.Strategy ?? "rrf").Trim().ToLowerInvariant() switch
    {
        "rrf" => FusionStrategy.Rrf(f.K ?? FusionStrategy.DefaultK),
        "rsf" or "relative_score" => FusionStrategy.RelativeScore(f.DenseW ?? (1f - (f.SparseW ?? 0.5f)), f.SparseW ?? (1f - (f.DenseW ?? 0.5f))),
        "average" or "avg" => FusionStrategy.Average(),
        "maximum" or "max" => FusionStrategy.Maximum(),
        "weighted" => FusionStrategy.Weighted(f.AvgW ?? 0.5f, f.MaxW ?? 0.3f, f.HitW ?? 0.2f),
        _ => null,
    };

    /// <summary>The strategy of a multi-query search; null for an unknown name.</summary>
    private static FusionStrategy? MultiStrategy(MultiQueryRequest body) => (body.Strategy ?? "rrf").Trim().ToLowerInvariant() switch
    {
        "rrf" => FusionStrategy.Rrf(body.RrfK ?? FusionStrategy.DefaultK),
        "average" or "avg" => FusionStrategy.Average(),
        "maximum" or "max" => FusionStrategy.Maximum(),
        "weighted" => FusionStrategy.Weighted(body.AvgWeight ?? 0.5f, body.MaxWeight ?? 0.3f, body.HitWeight ?? 0.2f),
        "relative_score" or "rsf" => FusionStrategy.RelativeScore(body.DenseWeight ?? 0.5f, body.SparseWeight ?? 0.5f),
        _ => null,
    };

    /// <summary>Checks a multi-query body: vectors present and a known strategy.</summary>
    private static IResult? MultiInputs(MultiQueryRequest body)
    {
        if (body.Vectors is not { Count: > 0 })
        {
            return BadRequest("The body needs a non-empty \"vectors\" array: {\"vectors\": [[...], [...]], \"top_k\": 10}.");
        }

        return MultiStrategy(body) is null
            ? BadRequest($"Invalid strategy '{body.Strategy}'. Hint: use average (avg), maximum (max), rrf, weighted or relative_score (rsf).")
            : null;
    }
}
