using System.Text.RegularExpressions;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;

namespace FeatureStore.DuckDb;

/// <summary>
/// Names that end up in generated SQL. Names from definitions must be plain identifiers; columns of a user's
/// entity file may be anything and are only quoted (quotes doubled), which is injection-safe in DuckDB.
/// </summary>
internal static partial class SqlIdentifier
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Plain();

    public static bool IsPlain(string name) => Plain().IsMatch(name);

    /// <summary>Quotes a name after checking it is a plain identifier; <paramref name="what"/> names it in the error.</summary>
    public static string QuoteChecked(string name, string what) =>
        IsPlain(name)
            ? Quote(name)
            : throw new UserInputException($"{what} '{name}' is not a valid column name (letters, digits and '_', not starting with a digit).");

    public static string Quote(string name) => $"\"{name.Replace("\"", "\"\"")}\"";

    /// <summary>A SQL string literal (quotes doubled), for the few places DuckDB takes no parameter.</summary>
    public static string Literal(string value) => $"'{value.Replace("'", "''")}'";
}
