using System.Collections;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Core.Quality;

namespace FeatureStore.DuckDb;

/// <summary>
/// Profiles the columns of one DuckDB table, all columns at once:
/// <list type="number">
/// <item>one aggregation over every column: counts, nulls, NaNs, min, max, mean, sample standard deviation,
/// percentiles 0..100, approximate distinct counts and top values, lengths, true counts, and the number of rows each
/// row check rejects;</item>
/// <item>one grouping-sets pass that needs the first one's results: the rows per histogram bin (between each
/// column's min and max) and the exact count of each top value.</item>
/// </list>
/// Percentiles are exact while the numeric values of all columns together number at most
/// <see cref="ExactPercentileLimit"/>: each column's values are gathered, sorted once and read at 0%, 1%, ..., 100%
/// with linear interpolation (R type 7, like <c>quantile_cont</c>, which is far slower for 101 quantiles). Beyond
/// that they come from DuckDB's t-digest (<c>approx_quantile</c>), whose memory stays flat, and the profile says so.
/// Example keys of rejected rows are fetched (LIMIT 5) only for checks that rejected some. Check bounds, allowed
/// values, bin bounds and top values are parameters; column names come quoted from the caller.
/// </summary>
internal static class ProfileQuery
{
    /// <summary>
    /// Numeric values (rows x numeric columns) up to which percentiles are exact. Sorting costs about twice the
    /// t-digest per value and holds every value in memory, so large profiles (a materialization of a million keys)
    /// use the sketch.
    /// </summary>
    public const long ExactPercentileLimit = 2_000_000;

    private static readonly string PercentileList =
        "[" + string.Join(", ", Enumerable.Range(0, 101).Select(p => (p / 100.0).ToString("0.00", CultureInfo.InvariantCulture))) + "]";

    public sealed record Result(long RowCount, IReadOnlyList<FeatureProfile> Features, IReadOnlyList<RowCheckCount> Checks)
    {
        public DateTimeOffset? NewestEvent { get; init; }
    }

    public static async Task<Result> RunAsync(
        DuckDBConnection connection, string table, IReadOnlyList<ProfileColumn> columns, IReadOnlyList<RowCheck> checks,
        IReadOnlyList<ProfileKeyColumn> keys, CancellationToken cancellationToken, long exactPercentileLimit = ExactPercentileLimit,
        string? eventMicrosSql = null)
    {
        var numericColumns = columns.Count(c => IsNumeric(c.Feature.Type));
        var exact = numericColumns == 0 || await CountAsync(connection, table, cancellationToken).ConfigureAwait(false) * numericColumns <= exactPercentileLimit;
        var aggregates = new Aggregates();
        var plans = columns.Select(c => ColumnPlan.Create(c, aggregates, exact)).ToArray();
        var newestEvent = eventMicrosSql is null ? -1 : aggregates.Add($"max({eventMicrosSql})");
        var checkPlans = new List<(RowCheck Check, ProfileColumn Column, string Predicate, int Index)>();
        foreach (var check in checks)
        {
            var column = columns.First(c => c.Feature.Name == check.Feature);
            var predicate = Violation(check, column, aggregates.Parameters, $"chk{checkPlans.Count}");
            checkPlans.Add((check, column, predicate, aggregates.Add($"count_if({predicate})")));
        }

        var first = await aggregates.ReadOneRowAsync(connection, table, cancellationToken).ConfigureAwait(false);
        var rowCount = Long(first[0]!);
        foreach (var plan in plans)
        {
            plan.Read(first, rowCount);
        }
        await CountBucketsAsync(connection, table, plans, cancellationToken).ConfigureAwait(false);

        var counts = new List<RowCheckCount>();
        foreach (var (check, _, predicate, index) in checkPlans)
        {
            var rows = first[index] is { } rejected ? Long(rejected) : 0;
            var examples = rows > 0 && keys.Count > 0
                ? await ExampleKeysAsync(connection, table, keys, predicate, aggregates.Parameters, cancellationToken).ConfigureAwait(false)
                : [];
            counts.Add(new RowCheckCount(check, rows, examples));
        }
        return new Result(rowCount, plans.Select(p => p.Build()).ToArray(), counts)
        {
            NewestEvent = newestEvent >= 0 && first[newestEvent] is { } micros ? TimestampMicros.ToDateTimeOffset(Long(micros)) : null,
        };
    }

    private static async Task<long> CountAsync(DuckDBConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"SELECT count(*) FROM {table}", new Dictionary<string, object?>());
        await using var _ = cancellationToken.Register(command.Cancel);
        return Long((await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
    }

    /// <summary>The predicate "this row breaks the check", its values added as parameters named <paramref name="name"/>.</summary>
    private static string Violation(RowCheck check, ProfileColumn column, Dictionary<string, object?> parameters, string name)
    {
        var c = column.ColumnSql;
        var nan = IsFloat(column.Feature.Type) ? $" OR isnan({c})" : "";
        switch (check.Kind)
        {
            case RowCheckKind.NotNull:
                return $"{c} IS NULL";
            case RowCheckKind.Min:
                parameters[name] = check.Bound!.Value;
                return $"(CAST({c} AS DOUBLE) < ${name}{nan})";
            case RowCheckKind.Max:
                parameters[name] = check.Bound!.Value;
                return $"(CAST({c} AS DOUBLE) > ${name}{nan})";
            default:
                if (column.Feature.Type.Scalar is ScalarType.Int32 or ScalarType.Int64)
                {
                    parameters[name] = check.Allowed!.Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList();
                    return $"({c} IS NOT NULL AND NOT list_contains(${name}, CAST({c} AS BIGINT)))";
                }
                parameters[name] = check.Allowed!.ToList();
                return $"({c} IS NOT NULL AND NOT list_contains(${name}, CAST({c} AS VARCHAR)))";
        }
    }

    /// <summary>Pass 2: rows per histogram bin and per top value, one grouping set per column that needs one.</summary>
    private static async Task CountBucketsAsync(
        DuckDBConnection connection, string table, ColumnPlan[] plans, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, object?>();
        var buckets = new List<(int Plan, string Sql)>();
        for (var i = 0; i < plans.Length; i++)
        {
            if (plans[i].BucketSql(parameters, $"b{buckets.Count}") is { } bucket)
            {
                buckets.Add((i, bucket));
            }
        }
        if (buckets.Count == 0)
        {
            return;
        }
        var names = buckets.Select((_, i) => $"b{i}").ToArray();
        var sql = $"""
            SELECT {string.Join(", ", names)}, count(*)
              FROM (SELECT {string.Join(", ", buckets.Select((b, i) => $"{b.Sql} AS {names[i]}"))} FROM {table})
             GROUP BY GROUPING SETS ({string.Join(", ", names.Select(n => $"({n})"))})
            """;
        await using var command = Command(connection, sql, parameters);
        await using var _ = cancellationToken.Register(command.Cancel);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var count = reader.GetInt64(buckets.Count);
            for (var i = 0; i < buckets.Count; i++)
            {
                if (!reader.IsDBNull(i))
                {
                    plans[buckets[i].Plan].AddBucket(reader.GetValue(i), count);
                    break;
                }
            }
        }
    }

    private static async Task<IReadOnlyList<string>> ExampleKeysAsync(
        DuckDBConnection connection, string table, IReadOnlyList<ProfileKeyColumn> keys, string predicate,
        Dictionary<string, object?> parameters, CancellationToken cancellationToken)
    {
        var used = parameters.Where(p => System.Text.RegularExpressions.Regex.IsMatch(predicate, $@"\${p.Key}\b")).ToDictionary(p => p.Key, p => p.Value);
        var sql = $"SELECT {string.Join(", ", keys.Select(k => k.ColumnSql))} FROM {table} WHERE {predicate} LIMIT {RowCheckCount.MaxExamples}";
        await using var command = Command(connection, sql, used);
        await using var _ = cancellationToken.Register(command.Cancel);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var examples = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            examples.Add(string.Join(", ", keys.Select((k, i) => $"{k.Entity.JoinKey}={KeyText(reader.IsDBNull(i) ? null : reader.GetValue(i), k.Entity.ValueType)}")));
        }
        return examples;
    }

    private static string KeyText(object? value, FeatureType type) => value switch
    {
        null => "null",
        long micros when type.Scalar == ScalarType.Timestamp => ProfileReference.FormatTime(TimestampMicros.ToDateTimeOffset(micros)),
        byte[] bytes => Hex(bytes),
        Stream stream => Hex(ReadAll(stream)),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    internal static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>DuckDB sums and counts may come back as HUGEINT (BigInteger); they fit a long here.</summary>
    private static long Long(object value) =>
        value is System.Numerics.BigInteger big ? (long)big : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static double Double(object value) =>
        value is System.Numerics.BigInteger big ? (double)big : Convert.ToDouble(value, CultureInfo.InvariantCulture);

    private static bool IsNumeric(FeatureType type) =>
        !type.IsList && type.Scalar is ScalarType.Int32 or ScalarType.Int64 or ScalarType.Float32 or ScalarType.Float64;

    private static bool IsFloat(FeatureType type) => !type.IsList && type.Scalar is ScalarType.Float32 or ScalarType.Float64;

    private static DuckDBCommand Command(DuckDBConnection connection, string sql, IReadOnlyDictionary<string, object?> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }
        return command;
    }

    /// <summary>
    /// The aggregate expressions of pass 1, read back by position. A sorted-values aggregate is turned into its 101
    /// percentiles by an outer select, so only those leave DuckDB.
    /// </summary>
    private sealed class Aggregates
    {
        private readonly List<(string Sql, bool Sorted)> _sql = [("count(*)", false)];

        public Dictionary<string, object?> Parameters { get; } = new(StringComparer.Ordinal);

        public int Add(string sql)
        {
            _sql.Add((sql, false));
            return _sql.Count - 1;
        }

        /// <summary>Adds the exact percentiles 0..100 of <paramref name="valueSql"/> over the rows <paramref name="filter"/> keeps.</summary>
        public int AddPercentiles(string valueSql, string filter)
        {
            _sql.Add(($"list_sort(list({valueSql}) FILTER (WHERE {filter}))", true));
            return _sql.Count - 1;
        }

        public async Task<object?[]> ReadOneRowAsync(DuckDBConnection connection, string table, CancellationToken cancellationToken)
        {
            var inner = _sql.Select((a, i) => $"{a.Sql} AS {(a.Sorted ? "s" : "a")}{i}");
            var outer = _sql.Select((a, i) => a.Sorted ? $"{Percentiles($"s{i}")} AS a{i}" : $"a{i}");
            var sql = new StringBuilder("SELECT ");
            sql.AppendJoin(", ", outer);
            sql.Append("\n  FROM (SELECT ");
            sql.AppendJoin(",\n               ", inner);
            sql.Append($"\n          FROM {table})");
            await using var command = Command(connection, sql.ToString(), Parameters);
            await using var _ = cancellationToken.Register(command.Cancel);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("An aggregate query returned no row.");
            }
            var values = new object?[_sql.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            return values;
        }

        /// <summary>
        /// Percentile p of sorted list s (1-based): s[lo + 1] + (h - lo) (s[lo + 2] - s[lo + 1]), h = (n - 1) p / 100,
        /// lo = floor(h). The positions are computed first and picked with list_select: a lambda that captured the
        /// list itself would copy it for every percentile.
        /// </summary>
        private static string Percentiles(string s)
        {
            var h = $"((len({s}) - 1) * p / 100.0)";
            var low = $"list_select({s}, list_transform(range(101), p -> CAST(floor({h}) AS BIGINT) + 1))";
            var high = $"list_select({s}, list_transform(range(101), p -> least(CAST(floor({h}) AS BIGINT) + 2, len({s}))))";
            var fraction = $"list_transform(range(101), p -> {h} - floor({h}))";
            return $"CASE WHEN len({s}) > 0 THEN list_transform(list_zip({low}, {high}, {fraction}), z -> z[1] + z[3] * (z[2] - z[1])) END";
        }
    }

    /// <summary>One column's aggregates (their positions in pass 1), its pass-2 buckets, and the profile built from both.</summary>
    private sealed class ColumnPlan
    {
        private readonly ProfileColumn _column;
        private readonly Dictionary<string, int> _at = new(StringComparer.Ordinal);
        private FeatureProfile? _profile;
        private double _low;
        private double _width;
        private long[]? _bins;
        private Dictionary<string, long>? _topCounts;
        private IReadOnlyList<string> _top = [];
        private bool _approximate;

        private ColumnPlan(ProfileColumn column) => _column = column;

        private FeatureType Type => _column.Feature.Type;

        public static ColumnPlan Create(ProfileColumn column, Aggregates aggregates, bool exactPercentiles)
        {
            var plan = new ColumnPlan(column) { _approximate = !exactPercentiles };
            var c = column.ColumnSql;
            void Add(string key, string sql) => plan._at[key] = aggregates.Add(sql);
            Add("nonnull", $"count({c})");
            var type = column.Feature.Type;
            if (type.IsList)
            {
                Add("len_min", $"min(len({c}))");
                Add("len_mean", $"avg(len({c}))");
                Add("len_max", $"max(len({c}))");
                Add("elements", $"CAST(sum(len({c})) AS BIGINT)");
                Add("element_nulls", $"CAST(sum(len({c}) - list_aggregate({c}, 'count')) AS BIGINT)");
                return plan;
            }
            switch (type.Scalar)
            {
                case ScalarType.Int32 or ScalarType.Int64 or ScalarType.Float32 or ScalarType.Float64:
                    var value = $"CAST({c} AS DOUBLE)";
                    var filter = IsFloat(type) ? $" FILTER (WHERE NOT isnan({c}))" : "";
                    if (IsFloat(type))
                    {
                        Add("nans", $"count_if(isnan({c}))");
                    }
                    Add("min", $"min({value}){filter}");
                    Add("max", $"max({value}){filter}");
                    Add("mean", $"avg({value}){filter}");
                    Add("std", $"stddev_samp({value}){filter}");
                    if (exactPercentiles)
                    {
                        plan._at["pct"] = aggregates.AddPercentiles(value, IsFloat(type) ? $"NOT isnan({c})" : $"{c} IS NOT NULL");
                    }
                    else
                    {
                        Add("pct", $"approx_quantile({value}, {PercentileList}){filter}");
                    }
                    break;
                case ScalarType.String or ScalarType.Bytes:
                    var text = Text(column);
                    var length = type.Scalar == ScalarType.String ? $"length({c})" : $"octet_length({c})";
                    Add("distinct", $"approx_count_distinct({text})");
                    Add("top", $"approx_top_k({text}, {TextProfile.TopCount})");
                    Add("len_min", $"min({length})");
                    Add("len_mean", $"avg({length})");
                    Add("len_max", $"max({length})");
                    break;
                case ScalarType.Bool:
                    Add("true", $"count_if({c})");
                    break;
                case ScalarType.Timestamp:
                    var micros = column.TimestampsAsMicros ? c : $"epoch_us({c})";
                    Add("min", $"min({micros})");
                    Add("max", $"max({micros})");
                    break;
            }
            return plan;
        }

        /// <summary>Strings as they are; bytes as lower-case hex (compared and shown that way).</summary>
        private static string Text(ProfileColumn column) =>
            column.Feature.Type.Scalar == ScalarType.Bytes ? $"lower(hex({column.ColumnSql}))" : column.ColumnSql;

        public void Read(object?[] row, long rowCount)
        {
            long L(string key) => row[_at[key]] is { } v ? Long(v) : 0;
            long? NL(string key) => row[_at[key]] is { } v ? Long(v) : null;
            double? D(string key) => row[_at[key]] is { } v ? Double(v) : null;

            var nonNull = L("nonnull");
            var profile = new FeatureProfile { Name = _column.Feature.Name, Type = Type, Count = rowCount, Nulls = rowCount - nonNull };
            if (Type.IsList)
            {
                _profile = profile with
                {
                    List = new ListProfile
                    {
                        LengthMin = NL("len_min"), LengthMean = D("len_mean"), LengthMax = NL("len_max"),
                        Elements = L("elements"), ElementNulls = L("element_nulls"),
                    },
                };
                return;
            }
            switch (Type.Scalar)
            {
                case ScalarType.Int32 or ScalarType.Int64 or ScalarType.Float32 or ScalarType.Float64:
                    var nans = IsFloat(Type) ? L("nans") : 0;
                    var percentiles = row[_at["pct"]] is IEnumerable list
                        ? list.Cast<object?>().Select(v => Double(v!)).ToArray()
                        : [];
                    var min = D("min");
                    var max = D("max");
                    _profile = profile with
                    {
                        Numeric = new NumericProfile
                        {
                            Nans = nans, Min = min, Max = max, Mean = D("mean"), StdDev = D("std"),
                            Percentiles = percentiles.Length == 101 ? percentiles : [],
                            PercentilesApproximate = _approximate,
                        },
                    };
                    if (min is { } low && max is { } high && double.IsFinite(low) && double.IsFinite(high))
                    {
                        _low = low;
                        _width = (high - low) / Histogram.DefaultBins;
                        _bins = _width > 0 ? new long[Histogram.DefaultBins] : [nonNull - nans];
                    }
                    break;
                case ScalarType.String or ScalarType.Bytes:
                    _top = row[_at["top"]] is IEnumerable top ? top.Cast<object?>().OfType<string>().ToArray() : [];
                    _topCounts = _top.Count > 0 ? new Dictionary<string, long>(StringComparer.Ordinal) : null;
                    _profile = profile with
                    {
                        Text = new TextProfile
                        {
                            ApproxDistinct = L("distinct"),
                            LengthMin = NL("len_min"), LengthMean = D("len_mean"), LengthMax = NL("len_max"),
                        },
                    };
                    break;
                case ScalarType.Bool:
                    var trues = L("true");
                    _profile = profile with { Bool = new BoolProfile { TrueCount = trues, FalseCount = nonNull - trues } };
                    break;
                case ScalarType.Timestamp:
                    _profile = profile with
                    {
                        Timestamp = new TimestampProfile
                        {
                            Min = NL("min") is { } first ? TimestampMicros.ToDateTimeOffset(first) : null,
                            Max = NL("max") is { } last ? TimestampMicros.ToDateTimeOffset(last) : null,
                        },
                    };
                    break;
            }
        }

        /// <summary>The pass-2 expression of this column (its bin or its top value), or null when it needs none.</summary>
        public string? BucketSql(Dictionary<string, object?> parameters, string name)
        {
            var c = _column.ColumnSql;
            if (_bins is { Length: > 1 })
            {
                parameters[name + "_low"] = _low;
                parameters[name + "_width"] = _width;
                var bin = $"CAST(least({Histogram.DefaultBins - 1}, floor((CAST({c} AS DOUBLE) - ${name}_low) / ${name}_width)) AS UTINYINT)";
                // least() skips NULLs, so nulls (and NaNs) must be kept out before it.
                return $"CASE WHEN {c} IS NOT NULL{(IsFloat(Type) ? $" AND NOT isnan({c})" : "")} THEN {bin} END";
            }
            if (_topCounts is not null)
            {
                parameters[name + "_top"] = _top.ToList();
                var text = Text(_column);
                return $"CASE WHEN list_contains(${name}_top, {text}) THEN {text} END";
            }
            return null;
        }

        public void AddBucket(object value, long count)
        {
            if (_bins is not null && value is not string)
            {
                _bins[Convert.ToInt32(value, CultureInfo.InvariantCulture)] += count;
            }
            else if (_topCounts is not null && value is string text)
            {
                _topCounts[text] = count;
            }
        }

        public FeatureProfile Build()
        {
            var profile = _profile!;
            if (profile.Numeric is { } numeric && _bins is not null)
            {
                var edges = _bins.Length == 1
                    ? new[] { numeric.Min!.Value, numeric.Max!.Value }
                    : Enumerable.Range(0, _bins.Length + 1).Select(i => i == _bins.Length ? numeric.Max!.Value : _low + i * _width).ToArray();
                return profile with { Numeric = numeric with { Histogram = new Histogram(edges, _bins) } };
            }
            if (profile.Text is { } text && _topCounts is not null)
            {
                var top = _topCounts
                    .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                    .Take(TextProfile.TopCount)
                    .Select(kv => new ValueCount(Type.Scalar == ScalarType.Bytes ? "0x" + kv.Key : kv.Key, kv.Value))
                    .ToArray();
                return profile with { Text = text with { TopValues = top } };
            }
            return profile;
        }
    }
}
