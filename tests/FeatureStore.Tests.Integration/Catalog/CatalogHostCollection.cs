namespace FeatureStore.Tests.Catalog;

/// <summary>Catalog tests that share one running server over the example repository.</summary>
[CollectionDefinition(Name)]
public sealed class CatalogHostCollection : ICollectionFixture<CatalogHostFixture>
{
    public const string Name = "Catalog host";
}
