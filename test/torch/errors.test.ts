// Error paths of the engine: each asserts the error's class and exact message, then that the
// process is still healthy (an uncaught c10::Error would abort Node, so a follow-up op must run).
// libtorch's own messages are PyTorch 1.13's; clab's messages name the operator and argument.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  tensor,
  zeros,
  ones,
  empty,
  arange,
  linspace,
  eye,
  cat,
  stack,
  randn,
  randint,
  randperm,
  normal,
  bernoulli,
  beta,
  multinomial,
  Generator,
  manualSeed,
  grad,
  scope,
  liveTensors,
  setNumThreads,
  callOp,
  einsum,
  F,
  linalg,
  Tensor,
  type Dtype,
} from '../../src/torch/index.js';

const i64 = (values: number[] | number[][]): Tensor => tensor(values, undefined, 'int64');
const f64 = (values: number[]): Tensor => tensor(values, undefined, 'float64');

/** A follow-up computation works: the engine survived the error. */
function alive(): void {
  assert.equal(
    scope(() =>
      ones([2, 2])
        .matmul(ones([2, 2]))
        .sum()
        .item(),
    ),
    8,
  );
}

/** fn throws an error of class `name` whose message is exactly `message` (or matches it); the engine survives. */
function fails(fn: () => unknown, name: string, message: string | RegExp): void {
  assert.throws(fn, { name, message });
  alive();
}

/** A string as an exact-match RegExp (for messages that end with libtorch's long hints). */
const exactly = (s: string): RegExp => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

const FREED =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). ' +
  'Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True ' +
  'if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

describe('libtorch shape mismatches', () => {
  test('matmul, mm, bmm', () => {
    scope(() => {
      fails(
        () => zeros([3, 4]).matmul(zeros([3, 4])),
        'Error',
        'mat1 and mat2 shapes cannot be multiplied (3x4 and 3x4)',
      );
      fails(() => zeros([3, 4]).mm(zeros([5, 2])), 'Error', 'mat1 and mat2 shapes cannot be multiplied (3x4 and 5x2)');
      fails(
        () => zeros([2, 3, 4]).bmm(zeros([2, 3, 4])),
        'Error',
        'Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 3].',
      );
      fails(
        () => zeros([3, 4]).matmul(zeros([4, 2], 'float64')),
        'Error',
        'expected scalar type Float but found Double',
      );
    });
  });

  test('broadcasting arithmetic and losses', () => {
    scope(() => {
      fails(
        () => zeros([3, 4]).add(zeros([2, 4])),
        'Error',
        'The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0',
      );
      fails(
        () => zeros([3]).mul(zeros([4])),
        'Error',
        'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0',
      );
      fails(
        () => F.mseLoss(zeros([3]), zeros([4])),
        'Error',
        'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0',
      );
      fails(
        () => zeros([3, 4]).expand(2, 3),
        'Error',
        'The expanded size of the tensor (3) must match the existing size (4) at non-singleton dimension 1.  Target sizes: [2, 3].  Tensor sizes: [3, 4]',
      );
      fails(
        () => F.cdist(zeros([2, 3]), zeros([2, 4])),
        'Error',
        'X1 and X2 must have the same number of columns. X1: 3 X2: 4',
      );
      fails(
        () => einsum('ij,jk->ik', zeros([2, 3]), zeros([2, 3])),
        'Error',
        'einsum(): subscript j has size 2 for operand 1 which does not broadcast with previously seen size 3',
      );
    });
  });

  test('cat and stack', () => {
    scope(() => {
      fails(
        () => cat([zeros([3, 4]), zeros([2, 3])], 0),
        'Error',
        'Sizes of tensors must match except in dimension 0. Expected size 4 but got size 3 for tensor number 1 in the list.',
      );
      fails(
        () => cat([zeros([3, 4]), zeros([3, 4])], 5),
        'Error',
        'Dimension out of range (expected to be in range of [-2, 1], but got 5)',
      );
      fails(() => cat([], 0), 'Error', 'torch.cat(): expected a non-empty list of Tensors');
      fails(
        () => stack([zeros([3, 4]), zeros([4, 3])]),
        'Error',
        'stack expects each tensor to be equal size, but got [3, 4] at entry 0 and [4, 3] at entry 1',
      );
    });
  });

  test('conv2d, pooling and normalisation layers', () => {
    scope(() => {
      fails(
        () => F.conv2d(zeros([1, 3, 5, 5]), zeros([2, 2, 3, 3])),
        'Error',
        'Given groups=1, weight of size [2, 2, 3, 3], expected input[1, 3, 5, 5] to have 2 channels, but got 3 channels instead',
      );
      fails(
        () => F.conv2d(zeros([1, 2, 2, 2]), zeros([2, 2, 3, 3])),
        'Error',
        "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size",
      );
      fails(
        () => F.maxPool2d(zeros([1, 1, 2, 2]), 3),
        'Error',
        'Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small',
      );
      fails(
        () => F.layerNorm(zeros([3, 4]), [3]),
        'Error',
        'Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[3, 4]',
      );
      fails(
        () => F.batchNorm(zeros([3, 4]), zeros([3]), ones([3])),
        'Error',
        'running_mean should contain 4 elements not 3',
      );
      fails(
        () => F.linear(zeros([2, 3]), zeros([4, 2])),
        'Error',
        'mat1 and mat2 shapes cannot be multiplied (2x3 and 2x4)',
      );
    });
  });

  test('linear algebra', () => {
    scope(() => {
      fails(
        () => linalg.solve(zeros([2, 2], 'float64'), ones([2, 1], 'float64')),
        'Error',
        'torch.linalg.solve: The solver failed because the input matrix is singular.',
      );
      fails(
        () => linalg.inv(zeros([2, 2], 'float64')),
        'Error',
        'linalg.inv: The diagonal element 1 is zero, the inversion could not be completed because the input matrix is singular.',
      );
      fails(
        () => linalg.eigh(zeros([2, 3], 'float64')),
        'Error',
        'linalg.eigh: A must be batches of square matrices, but they are 2 by 3 matrices',
      );
      fails(
        () => linalg.svd(arange(4).reshape(2, 2)),
        'Error',
        'linalg.svd: Expected a floating point or complex tensor as input. Got Long',
      );
    });
  });
});

describe('bad indices', () => {
  test('select, narrow, dimension out of range', () => {
    scope(() => {
      const a = zeros([3, 4]);
      fails(() => a.select(0, 7), 'Error', 'select(): index 7 out of range for tensor of size [3, 4] at dimension 0');
      fails(() => a.select(3, 0), 'Error', 'Dimension out of range (expected to be in range of [-2, 1], but got 3)');
      fails(() => a.narrow(0, 2, 5), 'Error', 'start (2) + length (5) exceeds dimension size (3).');
      fails(() => a.sum(2), 'Error', 'Dimension out of range (expected to be in range of [-2, 1], but got 2)');
      fails(() => a.squeeze(5), 'Error', 'Dimension out of range (expected to be in range of [-2, 1], but got 5)');
      fails(() => a.size(5), 'RangeError', 'size(): dim 5 out of range for a 2-d tensor');
      fails(() => a.topk(9), 'Error', 'selected index k out of range');
    });
  });

  test('indexSelect, gather, scatter, index', () => {
    scope(() => {
      const a = zeros([3, 4]);
      fails(() => a.indexSelect(0, i64([5])), 'Error', 'index out of range in self');
      fails(() => a.indexSelect(0, i64([-1])), 'Error', 'index out of range in self');
      fails(() => a.gather(1, i64([[4]])), 'Error', 'index 4 is out of bounds for dimension 1 with size 4');
      fails(
        () => a.gather(1, i64([4])),
        'Error',
        'Index tensor must have the same number of dimensions as input tensor',
      );
      fails(() => a.scatter(1, i64([[9]]), 1), 'Error', 'index 9 is out of bounds for dimension 1 with size 4');
      fails(() => a.index([i64([3])]), 'Error', 'index 3 is out of bounds for dimension 0 with size 3');
    });
  });

  test('class indices: crossEntropy targets and oneHot', () => {
    scope(() => {
      fails(() => F.crossEntropy(zeros([2, 3]), i64([0, 5])), 'Error', 'Target 5 is out of bounds.');
      fails(() => F.oneHot(i64([0, 3]), 3), 'Error', 'Class values must be smaller than num_classes.');
      fails(() => F.oneHot(i64([-1])), 'Error', 'Class values must be non-negative.');
    });
  });

  test('an integer argument beyond int64 is a RangeError naming it, not a wrapped-around index', () => {
    scope(() => {
      const a = zeros([3, 4]);
      fails(() => a.select(0, 2 ** 63), 'RangeError', "aten::select.int(): argument 'index' does not fit in int64");
      fails(() => zeros([1e20]), 'RangeError', "aten::zeros(): argument 'size'[0] does not fit in int64");
    });
  });
});

describe('invalid shapes', () => {
  test('reshape, view, tensor(), negative sizes, oversized allocations', () => {
    scope(() => {
      const a = zeros([3, 4]);
      fails(() => a.reshape(5, 5), 'Error', "shape '[5, 5]' is invalid for input of size 12");
      fails(() => a.reshape(-1, -1), 'Error', 'only one dimension can be inferred');
      fails(
        () => a.T.view(12),
        'Error',
        "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
      );
      fails(
        () => a.permute(0),
        'Error',
        /number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i\.e\. input\.dim\(\) = 2 is not equal to len\(dims\) = 1$/,
      );
      fails(() => tensor([1, 2, 3], [2, 2]), 'RangeError', 'tensor(): shape [2, 2] needs 4 elements, data has 3');
      fails(() => tensor([[1, 2], [3]]), 'TypeError', 'tensor(): ragged nested array');
      fails(() => zeros([-1]), 'Error', 'Trying to create tensor with negative dimension -1: [-1]');
      fails(() => linspace(0, 1, -1), 'Error', 'number of steps must be non-negative');
      fails(() => eye(-1), 'Error', 'n must be greater or equal to 0, got -1');
      fails(
        () => empty([2 ** 31, 2 ** 31]),
        'Error',
        'Storage size calculation overflowed with sizes=[2147483648, 2147483648]',
      );
      fails(
        () => empty([2 ** 50]),
        'Error',
        /^clab allocator: can't allocate memory: you tried to allocate 4503599627370496 bytes/,
      );
      fails(() => a.item(), 'RangeError', 'item(): tensor has 12 elements; only one-element tensors can be converted');
      fails(
        () => empty([0]).item(),
        'RangeError',
        'item(): tensor has 0 elements; only one-element tensors can be converted',
      );
      fails(
        () => empty([0]).max(),
        'Error',
        "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
      );
    });
  });
});

describe('wrong dtypes', () => {
  test('float index tensors', () => {
    scope(() => {
      const a = zeros([3, 4]);
      fails(() => a.indexSelect(0, tensor([0])), 'Error', 'index_select(): Expected dtype int32 or int64 for index');
      fails(() => a.gather(0, tensor([[0]])), 'Error', 'gather(): Expected dtype int64 for index');
      fails(() => a.index([tensor([0])]), 'Error', 'tensors used as indices must be long, byte or bool tensors');
      fails(() => F.crossEntropy(zeros([2, 3]), tensor([0, 1])), 'Error', 'expected scalar type Long but found Float');
      fails(
        () => F.crossEntropy(zeros([2, 3]), tensor([0, 1], undefined, 'int32')),
        'Error',
        'expected scalar type Long but found Int',
      );
      fails(() => F.oneHot(tensor([0, 1])), 'Error', 'one_hot is only applicable to index tensor.');
    });
  });

  test('float masks and conditions', () => {
    scope(() => {
      const a = zeros([3]);
      fails(
        () => a.maskedSelect(tensor([1, 0, 1])),
        'Error',
        'masked_select: expected BoolTensor or ByteTensor for mask',
      );
      fails(
        () => a.where(tensor([1, 0, 1]), 0),
        'Error',
        'where expected condition to be a boolean tensor, but got a tensor with dtype Float',
      );
    });
  });

  test('maskedFill with a float mask is refused (libtorch 1.13 would read the float bytes as bools)', () => {
    scope(() => {
      // PyTorch ≥ 2.0: "masked_fill_ only supports boolean masks, but got mask with dtype float"
      assert.throws(() => zeros([3]).maskedFill(tensor([1, 0, 1]), 5), {
        message: /masked_fill_? only supports boolean masks, but got mask with dtype float/,
      });
      alive();
    });
  });

  test('integer inputs to float-only ops, bool arithmetic, mixed float dtypes', () => {
    scope(() => {
      fails(
        () => arange(4).mean(),
        'Error',
        'mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long',
      );
      fails(
        () => F.normalize(arange(3)),
        'Error',
        'linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long',
      );
      fails(
        () => arange(3).requiresGrad_(),
        'Error',
        'Only Tensors of floating point and complex dtype can require gradients',
      );
      fails(
        () => F.conv2d(zeros([1, 1, 3, 3]), zeros([1, 1, 2, 2], 'float64')),
        'Error',
        'expected scalar type Float but found Double',
      );
      fails(
        () => ones([2], 'bool').neg(),
        'Error',
        'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
      );
      fails(
        () => ones([2], 'bool').sub(ones([2], 'bool')),
        'Error',
        'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.',
      );
      fails(() => tensor([1.5], undefined, 'int64'), 'TypeError', 'tensor(): int64 data must be integers, got 1.5');
    });
  });
});

describe('autograd misuse', () => {
  test('backward on a non-scalar without a gradient, on a tensor without a graph, with a wrong gradient shape', () => {
    scope(() => {
      const x = f64([1, 2, 3]).requiresGrad_();
      fails(() => x.mul(2).backward(), 'Error', 'grad can be implicitly created only for scalar outputs');
      fails(() => grad(x.mul(2), x), 'Error', 'grad can be implicitly created only for scalar outputs');
      fails(
        () => zeros([1]).sum().backward(),
        'Error',
        'element 0 of tensors does not require grad and does not have a grad_fn',
      );
      fails(
        () => x.mul(2).backward(ones([2], 'float64')),
        'Error',
        'invalid gradient at index 0 - got [2] but expected shape compatible with [3]',
      );
    });
  });

  test('backward through a freed graph, by backward() and by grad()', () => {
    scope(() => {
      const x = f64([1, 2, 3]).requiresGrad_();
      const y = x.exp().sum();
      y.backward();
      fails(() => y.backward(), 'Error', FREED);
      const z = x.exp().sum();
      grad(z, x);
      fails(() => grad(z, x), 'Error', FREED);
      // retainGraph keeps it
      const w = x.exp().sum();
      w.backward(undefined, { retainGraph: true });
      w.backward();
      alive();
    });
  });

  test('grad() with an unused or non-differentiable input', () => {
    scope(() => {
      const x = f64([1, 2]).requiresGrad_();
      const other = f64([1]).requiresGrad_();
      fails(
        () => grad(x.sum(), [x, other]),
        'Error',
        'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
      );
      fails(() => grad(x.sum(), f64([1])), 'Error', 'One of the differentiated Tensors does not require grad');
    });
  });

  test('in-place operations on a leaf that requires grad, and on a saved tensor', () => {
    scope(() => {
      const x = f64([1, 2]).requiresGrad_();
      fails(() => x.add_(1), 'Error', 'a leaf Variable that requires grad is being used in an in-place operation.');
      fails(
        () => {
          const e = x.mul(1).exp();
          e.add_(1);
          e.sum().backward();
        },
        'Error',
        exactly(
          'one of the variables needed for gradient computation has been modified by an inplace operation: [CPUDoubleType [2]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).',
        ),
      );
    });
  });

  test('requiresGrad_(false) on a non-leaf is refused (PyTorch: only leaves carry the flag)', () => {
    scope(() => {
      const x = f64([1, 2]).requiresGrad_();
      fails(
        () => x.mul(2).requiresGrad_(false),
        'Error',
        /^you can only change requires_grad flags of leaf variables\./,
      );
    });
  });

  test('assigning a gradient of the wrong shape or dtype is refused', () => {
    scope(() => {
      const x = f64([1, 2]).requiresGrad_();
      fails(
        () => {
          x.grad = ones([3], 'float64');
        },
        'Error',
        /assigned grad has data of a different size/,
      );
      fails(
        () => {
          x.grad = ones([2]);
        },
        'Error',
        /assigned grad has data of a different type/,
      );
    });
  });
});

describe('wrong JavaScript argument types', () => {
  test('a TypeError names the operator and the argument', () => {
    scope(() => {
      const a = zeros([3, 4]);
      const any = <T>(v: unknown): T => v as T;
      fails(() => a.matmul(any(3)), 'TypeError', "aten::matmul(): argument 'other' must be a Tensor, got number");
      fails(() => a.add(any('x')), 'TypeError', "aten::add.Scalar(): argument 'other' must be a number, got string");
      fails(() => a.sum(1.5), 'TypeError', "aten::sum.dim_IntList(): argument 'dim' must be an integer, got 1.500000");
      fails(
        () => a.sum(any('1')),
        'TypeError',
        "aten::sum.dim_IntList(): argument 'dim' must be an integer or an array of integers, got string",
      );
      fails(
        () => a.sum(1, any('yes')),
        'TypeError',
        "aten::sum.dim_IntList(): argument 'keepdim' must be a boolean, got string",
      );
      fails(() => a.reshape(any('a')), 'TypeError', "aten::reshape(): argument 'shape'[0] must be an integer");
      fails(
        () => a.narrow(0, 0.5, 1),
        'TypeError',
        "aten::narrow(): argument 'start' must be an integer, got 0.500000",
      );
      fails(() => F.linear(a, any(3)), 'TypeError', "aten::linear(): argument 'weight' must be a Tensor, got number");
      fails(() => cat([a, any(3)]), 'TypeError', "aten::cat(): argument 'tensors'[1] must be a Tensor");
      fails(() => cat(any(a)), 'TypeError', "aten::cat(): argument 'tensors' must be an array, got Tensor");
      fails(
        () => zeros(any('3')),
        'TypeError',
        "aten::zeros(): argument 'size' must be an integer or an array of integers, got string",
      );
      fails(
        () => zeros([2], any(5)),
        'TypeError',
        "aten::zeros(): argument 'dtype' must be a dtype string, got number",
      );
      fails(() => F.softmax(a, any(undefined)), 'TypeError', "aten::softmax.int(): argument 'dim' is required");
      fails(() => a.gelu(any('fast')), 'Error', 'approximate argument must be either none or tanh.');
      fails(() => a.clamp(), 'TypeError', "clamp(): at least one of 'min' or 'max' must be given");
    });
  });

  test('callOp: arity, missing arguments, unknown operators, generator arguments', () => {
    scope(() => {
      const a = zeros([2]);
      fails(() => callOp('aten::neg', a, 1), 'TypeError', 'aten::neg(): expected at most 1 arguments, got 2');
      fails(() => callOp('aten::add.Tensor', a), 'TypeError', "aten::add.Tensor(): argument 'other' is required");
      fails(() => callOp('aten::frobnicate', a), 'Error', 'libtorch has no operator aten::frobnicate');
      fails(() => callOp('aten::add.Banana', a), 'Error', 'libtorch has no operator aten::add.Banana');
      fails(
        () => callOp('aten::randn.generator', [2], 5),
        'TypeError',
        "aten::randn.generator(): argument 'generator' must be a Generator, got number",
      );
    });
  });

  test('a sampler given something that is not a Generator refuses it (never falls back to the global stream)', () => {
    scope(() => {
      const notGen = 5 as unknown as Generator;
      fails(() => randn([2], notGen), 'TypeError', /argument '(gen|generator)' must be a Generator/);
      fails(
        () => randint(0, 2, [2], {} as unknown as Generator),
        'TypeError',
        /argument '(gen|generator)' must be a Generator/,
      );
    });
  });
});

describe('dtype strings', () => {
  const allowed = '(allowed: float32, float64, int64, int32, bool, uint8)';
  test('an unknown dtype is a TypeError listing the allowed ones', () => {
    scope(() => {
      fails(() => zeros([2], 'float16' as Dtype), 'TypeError', `unknown dtype 'float16' ${allowed}`);
      fails(() => zeros([2]).to('half' as Dtype), 'TypeError', `unknown dtype 'half' ${allowed}`);
      fails(() => randn([2], undefined, 'int7' as Dtype), 'TypeError', `unknown dtype 'int7' ${allowed}`);
    });
  });

  test('tensor() with an unknown dtype says so too', () => {
    scope(() => {
      fails(() => tensor([1, 2], undefined, 'float16' as Dtype), 'TypeError', `unknown dtype 'float16' ${allowed}`);
    });
  });
});

describe('disposed tensors', () => {
  test('any use of a disposed tensor, as receiver or argument, throws the same clear error', () => {
    scope(() => {
      const a = zeros([2]);
      const d = zeros([2]);
      d.dispose();
      d.dispose();
      assert.equal(d.isDisposed, true);
      const msg = 'Tensor was disposed and cannot be used';
      fails(() => d.add(1), 'Error', msg);
      fails(() => d.shape, 'Error', msg);
      fails(() => d.dtype, 'Error', msg);
      fails(() => d.item(), 'Error', msg);
      fails(() => d.toArray(), 'Error', msg);
      fails(() => d.grad, 'Error', msg);
      fails(() => d.backward(), 'Error', msg);
      fails(() => a.add(d), 'Error', msg);
      fails(() => cat([a, d]), 'Error', msg);
      fails(() => a.index([d]), 'Error', msg);
      fails(() => grad(a.sum(), d), 'Error', msg);
      const x = f64([1, 2]).requiresGrad_();
      fails(() => x.mul(2).backward(d), 'Error', msg);
      const escaped = scope(() => ones([1]));
      escaped.dispose();
      fails(() => escaped.sum(), 'Error', msg);
    });
  });

  test('a tensor freed by its scope cannot be used after it', () => {
    let leakedRef: Tensor | undefined;
    scope(() => {
      leakedRef = ones([2]);
    });
    fails(() => leakedRef!.sum(), 'Error', 'Tensor was disposed and cannot be used');
  });
});

describe('generators and samplers', () => {
  test('bad seeds', () => {
    const safe = 'seed must be a non-negative safe integer or a bigint';
    fails(() => new Generator(-1), 'RangeError', safe);
    fails(() => new Generator(1.5), 'RangeError', safe);
    fails(() => new Generator(2 ** 60), 'RangeError', safe);
    fails(() => new Generator(NaN), 'RangeError', safe);
    fails(() => new Generator(-1n), 'RangeError', 'seed must fit in 64 bits');
    fails(() => new Generator(2n ** 64n), 'RangeError', 'seed must fit in 64 bits');
    fails(() => new Generator('1' as unknown as number), 'TypeError', 'seed must be a number or a bigint');
    fails(() => manualSeed(-5), 'RangeError', safe);
    assert.equal(new Generator(2n ** 64n - 1n).seed, 2n ** 64n - 1n);
    assert.equal(new Generator(2 ** 53 - 1).seed, BigInt(2 ** 53 - 1));
  });

  test('bad generator state and split counts', () => {
    scope(() => {
      fails(
        () => new Generator(1).setState(zeros([4], 'uint8')),
        'Error',
        'Expected either a CPUGeneratorImplStateLegacy of size 5048 or a CPUGeneratorImplState of size 5056 but found the input RNG state size to be 4',
      );
      fails(() => new Generator(1).setState(zeros([5056])), 'Error', 'RNG state must be a torch.ByteTensor');
      fails(
        () => {
          new Generator(1).split(0);
        },
        'RangeError',
        'split(): n must be a positive integer, got 0',
      );
      fails(
        () => {
          new Generator(1).split(1.5 as number);
        },
        'RangeError',
        'split(): n must be a positive integer, got 1.5',
      );
    });
  });

  test('sampler arguments out of range', () => {
    scope(() => {
      const g = new Generator(0);
      fails(() => normal(0, -1, [2], g), 'RangeError', 'normal(): std must be non-negative, got -1');
      fails(() => bernoulli(1.5, [2], g), 'RangeError', 'bernoulli(): p must be in [0, 1], got 1.5');
      fails(() => beta(-1, 1, [2], g), 'RangeError', 'beta(): a must be positive, got -1');
      fails(() => beta(1, 0, [2], g), 'RangeError', 'beta(): b must be positive, got 0');
      fails(() => F.dropout(zeros([2]), 2, true, g), 'RangeError', 'dropout(): p must be in [0, 1], got 2');
      fails(
        () => multinomial(tensor([-1, 2]), 1, false, g),
        'Error',
        'probability tensor contains either `inf`, `nan` or element < 0',
      );
      fails(
        () => multinomial(zeros([3]), 1, true, g),
        'Error',
        'invalid multinomial distribution (sum of probabilities <= 0)',
      );
      fails(
        () => multinomial(tensor([1, 2]), 3, false, g),
        'Error',
        'cannot sample n_sample > prob_dist.size(-1) samples without replacement',
      );
      fails(
        () => randint(5, 2, [3], g),
        'Error',
        "random_ expects 'from' to be less than 'to', but got from=5 >= to=2",
      );
      fails(() => randperm(-1, g), 'Error', 'Trying to create tensor with negative dimension -1: [-1]');
      fails(() => arange(0, 5, 0), 'Error', 'step must be nonzero');
      fails(() => setNumThreads(0), 'RangeError', 'setNumThreads(): n must be a positive integer, got 0');
    });
  });
});

test('failing operators leave no tensors behind and the engine keeps working', () => {
  scope(() => {
    const a = zeros([3, 4]);
    const b = zeros([3, 4]);
    const before = liveTensors();
    for (let k = 0; k < 100; k++) {
      assert.throws(() => a.matmul(b));
      assert.throws(() => a.indexSelect(0, a));
      assert.throws(() => a.sum(1.5));
    }
    assert.equal(liveTensors(), before);
    alive();
  });
});
