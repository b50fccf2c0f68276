using FeatureStore.Core.Definitions;
using FeatureStore.Core.Loading;
using FeatureStore.DuckDb;

namespace FeatureStore.Tests.Loading;

public sealed class ParquetTypeCompatibilityTests
{
    [Theory]
    [InlineData("int32", "INTEGER", true)]
    [InlineData("int32", "BIGINT", false)]
    [InlineData("int64", "INTEGER", true)]
    [InlineData("int64", "BIGINT", true)]
    [InlineData("int64", "DOUBLE", false)]
    [InlineData("int64", "UBIGINT", false)]
    [InlineData("float32", "FLOAT", true)]
    [InlineData("float32", "DOUBLE", false)]
    [InlineData("float32", "VARCHAR", false)]
    [InlineData("float64", "FLOAT", true)]
    [InlineData("float64", "DOUBLE", true)]
    [InlineData("float64", "DECIMAL(18,3)", true)]
    [InlineData("float64", "BIGINT", false)]
    [InlineData("bool", "BOOLEAN", true)]
    [InlineData("bool", "INTEGER", false)]
    [InlineData("string", "VARCHAR", true)]
    [InlineData("string", "BLOB", false)]
    [InlineData("bytes", "BLOB", true)]
    [InlineData("timestamp", "TIMESTAMP WITH TIME ZONE", true)]
    [InlineData("timestamp", "TIMESTAMP", true)]
    [InlineData("timestamp", "DATE", true)]
    [InlineData("timestamp", "VARCHAR", false)]
    [InlineData("list<float32>", "FLOAT[]", true)]
    [InlineData("list<float32>", "FLOAT[4]", true)]
    [InlineData("list<float32>", "DOUBLE[]", false)]
    [InlineData("list<float32>", "FLOAT", false)]
    [InlineData("float32", "FLOAT[]", false)]
    [InlineData("list<float64>", "FLOAT[][]", false)]
    [InlineData("list<string>", "VARCHAR[]", true)]
    public void Declared_type_holds_only_columns_it_can_represent(string declared, string column, bool expected) =>
        Assert.Equal(expected, ParquetTypeCompatibility.CanHold(FeatureType.Parse(declared), column));
}
