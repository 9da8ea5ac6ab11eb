namespace GraphGen.Data;

/// <summary>
/// The batches of one epoch, for <c>foreach</c>; returned by <see cref="BatchIterator.Epoch"/>.
/// It is its own enumerator and a ref struct, so iterating allocates nothing.
/// </summary>
public ref struct EpochBatches
{
    private readonly BatchIterator _iterator;
    private readonly int _generation;
    private int _number;
    private int _size;

    internal EpochBatches(BatchIterator iterator, int generation)
    {
        _iterator = iterator;
        _generation = generation;
        _number = -1;
    }

    /// <summary>Returns this enumerator, so that <c>foreach</c> works directly on the epoch.</summary>
    public readonly EpochBatches GetEnumerator() => this;

    /// <summary>Copies the next batch into the iterator's buffers; false after the last one.</summary>
    public bool MoveNext()
    {
        if (!_iterator.IsCurrent(_generation))
            throw new InvalidOperationException("Another epoch of this BatchIterator was started; this one can no longer be iterated (the batches share one set of buffers).");
        if (_number + 1 >= _iterator.BatchesPerEpoch)
        {
            _number = _iterator.BatchesPerEpoch;
            return false;
        }
        _number++;
        _size = _iterator.Fill(_number);
        return true;
    }

    /// <summary>The current batch.</summary>
    public readonly Batch Current
    {
        get
        {
            if (!_iterator.IsCurrent(_generation))
                throw new InvalidOperationException("Another epoch of this BatchIterator was started; this batch's buffers now hold that epoch's data.");
            if (_number < 0 || _number >= _iterator.BatchesPerEpoch)
                throw new InvalidOperationException("There is no current batch: call MoveNext first, and stop when it returns false.");
            return _iterator.View(_number, _size);
        }
    }
}
