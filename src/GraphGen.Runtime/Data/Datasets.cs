namespace GraphGen.Data;

/// <summary>
/// One-line loaders for the datasets the project uses: the small ones, which ship inside this
/// assembly (copies of examples/data, so they load from any folder), and the large ones, read
/// from a folder you pass, from $GRAPHGEN_DATA, or from data/ in the repository (where
/// scripts/fetch-data.sh puts them).
/// </summary>
public static class Datasets
{
    private static readonly string[] Digit = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Fashion-MNIST's ten classes, in label order.</summary>
    public static IReadOnlyList<string> FashionMnistClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>1797 handwritten digits, 8x8 pixels of 0..16 as FeatureShape [64] (unscaled: use ScaleFeatures(1f / 16)), labels 0..9.</summary>
    /// <remarks>Shipped inside GraphGen.Runtime: works from any folder, with no download.</remarks>
    public static Dataset Digits() => CsvDatasetReader.ReadLabelLast(Shipped("digits.csv.gz"), ShippedData.NonBlankLines("digits.csv.gz"), 10, Digit);

    /// <summary>150 iris flowers, 4 measurements in cm, 3 species.</summary>
    /// <remarks>Shipped inside GraphGen.Runtime: works from any folder, with no download.</remarks>
    public static Dataset Iris() => ReadShippedSklearn("iris.csv");

    /// <summary>569 breast tumours, 30 features; 0 = malignant, 1 = benign.</summary>
    /// <remarks>Shipped inside GraphGen.Runtime: works from any folder, with no download.</remarks>
    public static Dataset BreastCancer() => ReadShippedSklearn("breast_cancer.csv");

    /// <summary>178 wines, 13 chemical measurements, 3 cultivars.</summary>
    /// <remarks>Shipped inside GraphGen.Runtime: works from any folder, with no download.</remarks>
    public static Dataset Wine() => ReadShippedSklearn("wine_data.csv");

    /// <summary>442 diabetes patients, 10 raw (unscaled) features, 1 regression target: disease progression after one year.</summary>
    /// <remarks>Shipped inside GraphGen.Runtime: works from any folder, with no download.</remarks>
    public static Dataset Diabetes() => CsvDatasetReader.ReadFeaturesAndTargets(
        Shipped("diabetes_data_raw.csv.gz"), ShippedData.NonBlankLines("diabetes_data_raw.csv.gz"),
        Shipped("diabetes_target.csv.gz"), ShippedData.NonBlankLines("diabetes_target.csv.gz"));

    private static Dataset ReadShippedSklearn(string fileName) =>
        CsvDatasetReader.ReadSklearn(Shipped(fileName), ShippedData.Text(fileName));

    private static string Shipped(string fileName) => ShippedData.Source(fileName);

    /// <summary>
    /// MNIST digits: 60000 training or 10000 test images, pixels scaled to [0, 1], FeatureShape
    /// [1, 28, 28], labels 0..9. Reads data/mnist (or <paramref name="directory"/>); raw or
    /// gzipped IDX files.
    /// </summary>
    /// <exception cref="DatasetNotFoundException">The files are missing; fetch them with bash scripts/fetch-data.sh mnist.</exception>
    public static Dataset Mnist(bool train, string? directory = null) =>
        LoadIdxPair("MNIST", "mnist", directory, train, gzippedByDefault: false, Digit);

    /// <summary>
    /// Fashion-MNIST: 60000 training or 10000 test images of clothing, pixels scaled to [0, 1],
    /// FeatureShape [1, 28, 28], labels 0..9 (<see cref="FashionMnistClassNames"/>). Reads
    /// data/fashion-mnist (or <paramref name="directory"/>); gzipped or raw IDX files.
    /// </summary>
    /// <exception cref="DatasetNotFoundException">The files are missing; fetch them with bash scripts/fetch-data.sh fashion-mnist.</exception>
    public static Dataset FashionMnist(bool train, string? directory = null) =>
        LoadIdxPair("Fashion-MNIST", "fashion-mnist", directory, train, gzippedByDefault: true, FashionMnistClassNames);

    /// <summary>The whole of Moby Dick (about 1.19 million characters) from data/text/moby-dick.txt.</summary>
    /// <exception cref="DatasetNotFoundException">The file is missing; fetch it with bash scripts/fetch-data.sh text.</exception>
    public static string MobyDick(string? directory = null) =>
        TextFiles.ReadAll(FetchedText(directory, "moby-dick.txt"));

    /// <summary>
    /// English first names from data/text/names-female.txt then names-male.txt, as written
    /// (capitalised, e.g. "Aaren"), each name once (8422 names).
    /// </summary>
    /// <exception cref="DatasetNotFoundException">The files are missing; fetch them with bash scripts/fetch-data.sh text.</exception>
    public static IReadOnlyList<string> Names(string? directory = null)
    {
        string female = FetchedText(directory, "names-female.txt");
        string male = FetchedText(directory, "names-male.txt");
        return TextFiles.ReadLines(female).Concat(TextFiles.ReadLines(male)).Distinct(StringComparer.Ordinal).ToArray();
    }

    private static Dataset LoadIdxPair(string name, string folder, string? directory, bool train, bool gzippedByDefault, IReadOnlyList<string> classNames)
    {
        directory ??= FetchedFolder(name, folder);
        string prefix = train ? "train" : "t10k";
        string images = FindIdx(name, folder, directory, $"{prefix}-images-idx3-ubyte", gzippedByDefault);
        string labels = FindIdx(name, folder, directory, $"{prefix}-labels-idx1-ubyte", gzippedByDefault);
        return IdxDataset.Load(images, labels, 10, classNames);
    }

    // The fetch script writes MNIST raw and Fashion-MNIST gzipped; either form is accepted.
    private static string FindIdx(string name, string fetchArgument, string directory, string fileName, bool gzippedByDefault)
    {
        string raw = Path.Combine(directory, fileName), gzipped = raw + ".gz";
        if (File.Exists(raw)) return raw;
        if (File.Exists(gzipped)) return gzipped;
        throw new DatasetNotFoundException(name, gzippedByDefault ? gzipped : raw, fetchArgument);
    }

    private static string FetchedText(string? directory, string fileName)
    {
        string path = Path.Combine(directory ?? FetchedFolder("The text corpus " + fileName, "text"), fileName);
        if (!File.Exists(path)) throw new DatasetNotFoundException("The text corpus " + fileName, path, "text");
        return path;
    }

    // $GRAPHGEN_DATA/<folder>, or <repository>/data/<folder>; outside the repository with the
    // variable unset there is nowhere to look, and the exception says both ways to give a place.
    private static string FetchedFolder(string name, string folder) =>
        DataPaths.TryFetchedRoot() is { } root
            ? Path.Combine(root, folder)
            : throw new DatasetNotFoundException(name, folder, DataPaths.SearchStarts);
}
