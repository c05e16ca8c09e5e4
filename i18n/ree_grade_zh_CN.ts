<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>REEGradeProvider</name>
    <message>
      <source>REE Grade Estimation</source>
      <translation>稀土品位估算</translation>
    </message>
  </context>
  <context>
    <name>REEGradeAlgorithm</name>
    <message>
      <source>Data preparation</source>
      <translation>数据准备</translation>
    </message>
    <message>
      <source>Features</source>
      <translation>特征</translation>
    </message>
    <message>
      <source>Estimation</source>
      <translation>估值</translation>
    </message>
    <message>
      <source>Validation</source>
      <translation>验证</translation>
    </message>
    <message>
      <source>Workflow</source>
      <translation>工作流程</translation>
    </message>
  </context>
  <context>
    <name>BoxCoxAlgorithm</name>
    <message>
      <source>Box-Cox transform</source>
      <translation>Box-Cox 变换</translation>
    </message>
    <message>
      <source>Input layer</source>
      <translation>输入图层</translation>
    </message>
    <message>
      <source>Fields to transform</source>
      <translation>待变换字段</translation>
    </message>
    <message>
      <source>Shift added before the transform</source>
      <translation>变换前加入的平移量</translation>
    </message>
    <message>
      <source>Automatic shift for fields with zeros</source>
      <translation>对含零值的字段自动平移</translation>
    </message>
    <message>
      <source>Negative numbers are below-detection results (-0.5 means &lt;0.5)</source>
      <translation>负数表示低于检出限的结果（-0.5 表示 &lt;0.5）</translation>
    </message>
    <message>
      <source>Saved parameter file (apply instead of fitting)</source>
      <translation>已保存的参数文件（直接应用，不重新拟合）</translation>
    </message>
    <message>
      <source>Inverse (back-transform bc_ fields)</source>
      <translation>逆变换（将 bc_ 字段反变换）</translation>
    </message>
    <message>
      <source>Parameter file</source>
      <translation>参数文件</translation>
    </message>
    <message>
      <source>Layer with Box-Cox fields (bc_)</source>
      <translation>含 Box-Cox 字段 (bc_) 的图层</translation>
    </message>
  </context>
  <context>
    <name>ClassifyAlgorithm</name>
    <message>
      <source>Classify resources (Measured / Indicated / Inferred)</source>
      <translation>资源量分类（探明 / 控制 / 推断）</translation>
    </message>
    <message>
      <source>Estimated blocks</source>
      <translation>已估值块体</translation>
    </message>
    <message>
      <source>Slope of regression field (e.g. ok_slope)</source>
      <translation>回归斜率字段（例如 ok_slope）</translation>
    </message>
    <message>
      <source>Estimate (mean) field</source>
      <translation>估值（均值）字段</translation>
    </message>
    <message>
      <source>Uncertainty field</source>
      <translation>不确定性字段</translation>
    </message>
    <message>
      <source>Uncertainty field is</source>
      <translation>不确定性字段类型</translation>
    </message>
    <message>
      <source>Drillhole samples</source>
      <translation>钻孔样品</translation>
    </message>
    <message>
      <source>Hole id field</source>
      <translation>钻孔编号字段</translation>
    </message>
    <message>
      <source>Measured: drillholes</source>
      <translation>探明：钻孔数</translation>
    </message>
    <message>
      <source>Indicated: drillholes</source>
      <translation>控制：钻孔数</translation>
    </message>
    <message>
      <source>Inferred: drillholes</source>
      <translation>推断：钻孔数</translation>
    </message>
    <message>
      <source>Measured: search radius (m)</source>
      <translation>探明：搜索半径（米）</translation>
    </message>
    <message>
      <source>Indicated: search radius (m)</source>
      <translation>控制：搜索半径（米）</translation>
    </message>
    <message>
      <source>Inferred: search radius (m)</source>
      <translation>推断：搜索半径（米）</translation>
    </message>
    <message>
      <source>Measured: minimum slope of regression</source>
      <translation>探明：最小回归斜率</translation>
    </message>
    <message>
      <source>Indicated: minimum slope of regression</source>
      <translation>控制：最小回归斜率</translation>
    </message>
    <message>
      <source>Measured: maximum sd / mean (0 = not used)</source>
      <translation>探明：最大标准差 / 均值（0 = 不使用）</translation>
    </message>
    <message>
      <source>Indicated: maximum sd / mean (0 = not used)</source>
      <translation>控制：最大标准差 / 均值（0 = 不使用）</translation>
    </message>
    <message>
      <source>Classified blocks</source>
      <translation>已分类块体</translation>
    </message>
  </context>
  <context>
    <name>CompositeAlgorithm</name>
    <message>
      <source>Composite drillhole samples</source>
      <translation>钻孔样品组合</translation>
    </message>
    <message>
      <source>Samples (desurveyed points or intervals)</source>
      <translation>样品（经轨迹计算的点或样段）</translation>
    </message>
    <message>
      <source>Hole id field</source>
      <translation>钻孔编号字段</translation>
    </message>
    <message>
      <source>From field</source>
      <translation>起始深度字段</translation>
    </message>
    <message>
      <source>To field</source>
      <translation>终止深度字段</translation>
    </message>
    <message>
      <source>Domain field</source>
      <translation>估值域字段</translation>
    </message>
    <message>
      <source>Fields to composite (all numeric when empty)</source>
      <translation>参与组合的字段（为空时取全部数值字段）</translation>
    </message>
    <message>
      <source>Composite length (m)</source>
      <translation>组合样长度（m）</translation>
    </message>
    <message>
      <source>Residual end piece</source>
      <translation>末端剩余段</translation>
    </message>
    <message>
      <source>Residual threshold (% of length)</source>
      <translation>剩余段阈值（占组合样长度的 %）</translation>
    </message>
    <message>
      <source>Minimum coverage (%)</source>
      <translation>最小覆盖率（%）</translation>
    </message>
    <message>
      <source>Below detection becomes</source>
      <translation>低于检出限的值处理为</translation>
    </message>
    <message>
      <source>Missing-value codes</source>
      <translation>缺失值代码</translation>
    </message>
    <message>
      <source>Composites</source>
      <translation>组合样</translation>
    </message>
  </context>
  <context>
    <name>CrossValidateAlgorithm</name>
    <message>
      <source>Cross-validate estimators</source>
      <translation>估值方法交叉验证</translation>
    </message>
    <message>
      <source>Samples (points)</source>
      <translation>样品（点）</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>品位字段</translation>
    </message>
    <message>
      <source>Covariate fields</source>
      <translation>协变量字段</translation>
    </message>
    <message>
      <source>Categorical fields (one-hot encoded)</source>
      <translation>分类字段（独热编码）</translation>
    </message>
    <message>
      <source>Logged domain fields, samples only (bnn; e.g. log_lith)</source>
      <translation>编录域字段，仅样品具有（bnn；例如 log_lith）</translation>
    </message>
    <message>
      <source>Hole id field</source>
      <translation>钻孔编号字段</translation>
    </message>
    <message>
      <source>Methods</source>
      <translation>方法</translation>
    </message>
    <message>
      <source>Folds</source>
      <translation>折数</translation>
    </message>
    <message>
      <source>Scheme</source>
      <translation>划分方案</translation>
    </message>
    <message>
      <source>Cut-offs (comma separated)</source>
      <translation>边界品位（逗号分隔）</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <source>BNN / ensemble maximum epochs</source>
      <translation>BNN / 集成模型最大训练轮数</translation>
    </message>
    <message>
      <source>Ensemble members</source>
      <translation>集成成员数</translation>
    </message>
    <message>
      <source>Kriging maximum samples</source>
      <translation>克里金最多样品数</translation>
    </message>
    <message>
      <source>GP optimiser iterations</source>
      <translation>高斯过程（GP）优化迭代次数</translation>
    </message>
    <message>
      <source>Cross-validation table</source>
      <translation>交叉验证表</translation>
    </message>
    <message>
      <source>Cross-validation report</source>
      <translation>交叉验证报告</translation>
    </message>
  </context>
  <context>
    <name>DesurveyAlgorithm</name>
    <message>
      <source>Desurvey drillholes</source>
      <translation>钻孔轨迹计算（测斜解算）</translation>
    </message>
    <message>
      <source>Collars (points or table)</source>
      <translation>孔口（点或表）</translation>
    </message>
    <message>
      <source>Collar hole id field</source>
      <translation>孔口表钻孔编号字段</translation>
    </message>
    <message>
      <source>Collar x field (tables)</source>
      <translation>孔口 X 坐标字段（表）</translation>
    </message>
    <message>
      <source>Collar y field (tables)</source>
      <translation>孔口 Y 坐标字段（表）</translation>
    </message>
    <message>
      <source>Collar elevation field</source>
      <translation>孔口高程字段</translation>
    </message>
    <message>
      <source>Collar azimuth field</source>
      <translation>孔口方位角字段</translation>
    </message>
    <message>
      <source>Collar dip field</source>
      <translation>孔口倾角字段</translation>
    </message>
    <message>
      <source>Collar total depth field</source>
      <translation>孔口表终孔深度字段</translation>
    </message>
    <message>
      <source>Collar CRS (for a table)</source>
      <translation>孔口坐标参考系（用于表）</translation>
    </message>
    <message>
      <source>Downhole surveys</source>
      <translation>钻孔测斜数据</translation>
    </message>
    <message>
      <source>Survey hole id field</source>
      <translation>测斜表钻孔编号字段</translation>
    </message>
    <message>
      <source>Survey depth field</source>
      <translation>测斜深度字段</translation>
    </message>
    <message>
      <source>Survey azimuth field</source>
      <translation>测斜方位角字段</translation>
    </message>
    <message>
      <source>Survey dip field</source>
      <translation>测斜倾角字段</translation>
    </message>
    <message>
      <source>Intervals (assays)</source>
      <translation>样段（化验）</translation>
    </message>
    <message>
      <source>Interval hole id field</source>
      <translation>样段表钻孔编号字段</translation>
    </message>
    <message>
      <source>From field</source>
      <translation>起始深度字段</translation>
    </message>
    <message>
      <source>To field</source>
      <translation>终止深度字段</translation>
    </message>
    <message>
      <source>Dip convention</source>
      <translation>倾角约定</translation>
    </message>
    <message>
      <source>Overlapping intervals</source>
      <translation>重叠样段</translation>
    </message>
    <message>
      <source>Below detection becomes</source>
      <translation>低于检出限的值处理为</translation>
    </message>
    <message>
      <source>Missing-value codes</source>
      <translation>缺失值代码</translation>
    </message>
    <message>
      <source>Desurveyed intervals</source>
      <translation>经轨迹计算的样段</translation>
    </message>
  </context>
  <context>
    <name>GeologyFeaturesAlgorithm</name>
    <message>
      <source>Geology map features</source>
      <translation>地质图特征</translation>
    </message>
    <message>
      <source>Points</source>
      <translation>点</translation>
    </message>
    <message>
      <source>Geology polygons</source>
      <translation>地质单元多边形</translation>
    </message>
    <message>
      <source>Unit field</source>
      <translation>地质单元字段</translation>
    </message>
    <message>
      <source>Fault lines</source>
      <translation>断层线</translation>
    </message>
    <message>
      <source>Fault dip field (degrees)</source>
      <translation>断层倾角字段（度）</translation>
    </message>
    <message>
      <source>Fault dip direction field (degrees from north)</source>
      <translation>断层倾向字段（自北起算的度数）</translation>
    </message>
    <message>
      <source>Ground surface (DEM), for the faults down dip</source>
      <translation>地表面（DEM），用于沿倾向向下延伸断层</translation>
    </message>
    <message>
      <source>Saved unit list (to match the samples' fields)</source>
      <translation>已保存的地质单元列表（与样品字段对应）</translation>
    </message>
    <message>
      <source>Unit list</source>
      <translation>地质单元列表</translation>
    </message>
    <message>
      <source>Points with geology</source>
      <translation>带地质属性的点</translation>
    </message>
  </context>
  <context>
    <name>GaussianProcessAlgorithm</name>
    <message>
      <source>Gaussian process (baseline)</source>
      <translation>高斯过程（基准方法）</translation>
    </message>
    <message>
      <source>Samples</source>
      <translation>样品</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>品位字段</translation>
    </message>
    <message>
      <source>Covariate fields</source>
      <translation>协变量字段</translation>
    </message>
    <message>
      <source>Model log-grade</source>
      <translation>对数品位建模</translation>
    </message>
    <message>
      <source>Target points</source>
      <translation>目标点</translation>
    </message>
    <message>
      <source>Raster template</source>
      <translation>栅格模板</translation>
    </message>
    <message>
      <source>Exact GP up to n samples</source>
      <translation>样品数不超过 n 时使用精确 GP</translation>
    </message>
    <message>
      <source>Inducing points (sparse GP)</source>
      <translation>诱导点数（稀疏 GP）</translation>
    </message>
    <message>
      <source>Optimiser iterations</source>
      <translation>优化迭代次数</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <source>Cut-offs (comma separated)</source>
      <translation>边界品位（逗号分隔）</translation>
    </message>
    <message>
      <source>GP estimates (points)</source>
      <translation>GP 估值（点）</translation>
    </message>
    <message>
      <source>GP estimates (raster)</source>
      <translation>GP 估值（栅格）</translation>
    </message>
  </context>
  <context>
    <name>GradeTonnageAlgorithm</name>
    <message>
      <source>Grade-tonnage curves</source>
      <translation>品位-吨位曲线</translation>
    </message>
    <message>
      <source>Block model</source>
      <translation>块体模型</translation>
    </message>
    <message>
      <source>Grade estimate fields</source>
      <translation>品位估值字段</translation>
    </message>
    <message>
      <source>Grade unit</source>
      <translation>品位单位</translation>
    </message>
    <message>
      <source>Block volume field</source>
      <translation>块体体积字段</translation>
    </message>
    <message>
      <source>Block volume (m3) when no field</source>
      <translation>无字段时的块体体积（m3）</translation>
    </message>
    <message>
      <source>Density field (t/m3)</source>
      <translation>体重（密度）字段（t/m3）</translation>
    </message>
    <message>
      <source>Density (t/m3) when no field</source>
      <translation>无字段时的体重（密度，t/m3）</translation>
    </message>
    <message>
      <source>First cut-off</source>
      <translation>起始边界品位</translation>
    </message>
    <message>
      <source>Last cut-off</source>
      <translation>终止边界品位</translation>
    </message>
    <message>
      <source>Cut-off step</source>
      <translation>边界品位步长</translation>
    </message>
    <message>
      <source>BNN model for uncertainty bands</source>
      <translation>用于不确定性区间的 BNN 模型</translation>
    </message>
    <message>
      <source>Posterior realisations</source>
      <translation>后验实现数</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <source>Grade-tonnage table</source>
      <translation>品位-吨位表</translation>
    </message>
    <message>
      <source>Grade-tonnage plot</source>
      <translation>品位-吨位图</translation>
    </message>
  </context>
  <context>
    <name>HyperScoreAlgorithm</name>
    <message>
      <source>HyperScore</source>
      <translation>HyperScore</translation>
    </message>
    <message>
      <source>Estimated targets</source>
      <translation>已估值目标</translation>
    </message>
    <message>
      <source>V source</source>
      <translation>V 值来源</translation>
    </message>
    <message>
      <source>Probability field</source>
      <translation>概率字段</translation>
    </message>
    <message>
      <source>Mean (estimate) field</source>
      <translation>均值（估值）字段</translation>
    </message>
    <message>
      <source>Spread field (sd or variance)</source>
      <translation>离散度字段（标准差或方差）</translation>
    </message>
    <message>
      <source>Spread is</source>
      <translation>离散度类型</translation>
    </message>
    <message>
      <source>Cut-off grade</source>
      <translation>边界品位</translation>
    </message>
    <message>
      <source>beta</source>
      <translation>beta</translation>
    </message>
    <message>
      <source>gamma</source>
      <translation>gamma</translation>
    </message>
    <message>
      <source>kappa</source>
      <translation>kappa</translation>
    </message>
  </context>
  <context>
    <name>HyperspectralFeaturesAlgorithm</name>
    <message>
      <source>Hyperspectral absorption features</source>
      <translation>高光谱吸收特征</translation>
    </message>
    <message>
      <source>Reflectance cube</source>
      <translation>反射率数据立方体</translation>
    </message>
    <message>
      <source>Band wavelengths (comma list or text file; empty: from the file)</source>
      <translation>波段波长（逗号分隔列表或文本文件；为空时从数据文件读取）</translation>
    </message>
    <message>
      <source>Band table (JSON or CSV; empty: the bundled one)</source>
      <translation>波段表（JSON 或 CSV；为空时使用内置表）</translation>
    </message>
    <message>
      <source>Memory budget per window (MB)</source>
      <translation>每个窗口的内存预算（MB）</translation>
    </message>
    <message>
      <source>Absorption features</source>
      <translation>吸收特征</translation>
    </message>
  </context>
  <context>
    <name>KNNImputeAlgorithm</name>
    <message>
      <source>k-NN imputation (spatial and feature distance)</source>
      <translation>k 近邻插补（空间距离与特征距离）</translation>
    </message>
    <message>
      <source>Samples or targets</source>
      <translation>样品或目标</translation>
    </message>
    <message>
      <source>Fields to impute</source>
      <translation>待插补字段</translation>
    </message>
    <message>
      <source>Negative numbers are below-detection results (-0.5 means &lt;0.5)</source>
      <translation>负数表示低于检出限的结果（-0.5 表示 &lt;0.5）</translation>
    </message>
    <message>
      <source>Number of donors (K)</source>
      <translation>供体数（K）</translation>
    </message>
    <message>
      <source>Spatial weight (0 = features only, 1 = distance only)</source>
      <translation>空间权重（0 = 仅特征，1 = 仅距离）</translation>
    </message>
    <message>
      <source>Spatial scale (0 = automatic)</source>
      <translation>空间尺度（0 = 自动）</translation>
    </message>
    <message>
      <source>Donor weighting</source>
      <translation>供体加权方式</translation>
    </message>
    <message>
      <source>Saved reference (impute from it)</source>
      <translation>已保存的参考数据（据此插补）</translation>
    </message>
    <message>
      <source>Save reference</source>
      <translation>保存参考数据</translation>
    </message>
    <message>
      <source>Layer with the gaps filled</source>
      <translation>已填补缺失值的图层</translation>
    </message>
  </context>
  <context>
    <name>MultipleIndicatorKrigingAlgorithm</name>
    <message>
      <source>Multiple indicator kriging</source>
      <translation>多元指示克里金</translation>
    </message>
    <message>
      <source>Samples (points)</source>
      <translation>样品（点）</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>品位字段</translation>
    </message>
    <message>
      <source>Hole id field (for max per hole)</source>
      <translation>钻孔编号字段（用于每孔样品数上限）</translation>
    </message>
    <message>
      <source>Mode</source>
      <translation>模式</translation>
    </message>
    <message>
      <source>Thresholds (empty = declustered deciles)</source>
      <translation>指示阈值（为空 = 解丛聚后的十分位数）</translation>
    </message>
    <message>
      <source>Upper-tail cut-offs added to the deciles</source>
      <translation>在十分位数之外增加的高品位尾部阈值</translation>
    </message>
    <message>
      <source>Indicator variogram (median IK, optional)</source>
      <translation>指示变差函数（中位数指示克里金，可选）</translation>
    </message>
    <message>
      <source>Target points</source>
      <translation>目标点</translation>
    </message>
    <message>
      <source>Raster template</source>
      <translation>栅格模板</translation>
    </message>
    <message>
      <source>Template elevation (3D kriging)</source>
      <translation>模板高程（三维克里金）</translation>
    </message>
    <message>
      <source>Search radius, major (empty = the variogram's range, 0 = unlimited)</source>
      <translation>搜索半径，主轴（留空 = 变差函数的变程，0 = 不限）</translation>
    </message>
    <message>
      <source>Search radius, semi-major (empty = the variogram's ratio)</source>
      <translation>搜索半径，次轴（留空 = 按变差函数的比例）</translation>
    </message>
    <message>
      <source>Search radius, minor (empty = the variogram's ratio)</source>
      <translation>搜索半径，短轴（留空 = 按变差函数的比例）</translation>
    </message>
    <message>
      <source>Search azimuth (empty = the variogram's)</source>
      <translation>搜索方位角（留空 = 取变差函数的）</translation>
    </message>
    <message>
      <source>Search dip, positive up (empty = the variogram's)</source>
      <translation>搜索倾角，向上为正（留空 = 取变差函数的）</translation>
    </message>
    <message>
      <source>Search rake (empty = the variogram's)</source>
      <translation>搜索侧伏角（留空 = 取变差函数的）</translation>
    </message>
    <message>
      <source>Minimum samples</source>
      <translation>最少样品数</translation>
    </message>
    <message>
      <source>Maximum samples</source>
      <translation>最多样品数</translation>
    </message>
    <message>
      <source>Maximum samples per hole (0 = no cap)</source>
      <translation>每孔最多样品数（0 = 不限）</translation>
    </message>
    <message>
      <source>Block size 'dx, dy, dz' (empty = point)</source>
      <translation>块体尺寸 'dx, dy, dz'（为空 = 点估值）</translation>
    </message>
    <message>
      <source>Block discretisation 'nx, ny, nz'</source>
      <translation>块体离散化 'nx, ny, nz'</translation>
    </message>
    <message>
      <source>Minimum grade zmin</source>
      <translation>最低品位 zmin</translation>
    </message>
    <message>
      <source>Maximum grade zmax (empty = data maximum)</source>
      <translation>最高品位 zmax（为空 = 数据最大值）</translation>
    </message>
    <message>
      <source>Lower tail</source>
      <translation>下尾外推</translation>
    </message>
    <message>
      <source>Lower tail omega</source>
      <translation>下尾 omega</translation>
    </message>
    <message>
      <source>Middle classes</source>
      <translation>中间类别插值</translation>
    </message>
    <message>
      <source>Middle classes omega</source>
      <translation>中间类别 omega</translation>
    </message>
    <message>
      <source>Upper tail</source>
      <translation>上尾外推</translation>
    </message>
    <message>
      <source>Upper tail omega</source>
      <translation>上尾 omega</translation>
    </message>
    <message>
      <source>Cut-offs for P(grade &gt; cut-off)</source>
      <translation>计算 P(品位 &gt; 边界品位) 所用的边界品位</translation>
    </message>
    <message>
      <source>Random seed (variogram fits)</source>
      <translation>随机种子（变差函数拟合）</translation>
    </message>
    <message>
      <source>MIK points</source>
      <translation>MIK 估值点</translation>
    </message>
    <message>
      <source>MIK raster</source>
      <translation>MIK 栅格</translation>
    </message>
  </context>
  <context>
    <name>OrdinaryKrigingAlgorithm</name>
    <message>
      <source>Ordinary kriging</source>
      <translation>普通克里金</translation>
    </message>
    <message>
      <source>Samples (points)</source>
      <translation>样品（点）</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>品位字段</translation>
    </message>
    <message>
      <source>Hole id field (for max per hole)</source>
      <translation>钻孔编号字段（用于每孔样品数上限）</translation>
    </message>
    <message>
      <source>Variogram model</source>
      <translation>变差函数模型</translation>
    </message>
    <message>
      <source>Target points</source>
      <translation>目标点</translation>
    </message>
    <message>
      <source>Raster template</source>
      <translation>栅格模板</translation>
    </message>
    <message>
      <source>Template elevation (3D kriging)</source>
      <translation>模板高程（三维克里金）</translation>
    </message>
    <message>
      <source>Search radius, major (empty = the variogram's range, 0 = unlimited)</source>
      <translation>搜索半径，主轴（留空 = 变差函数的变程，0 = 不限）</translation>
    </message>
    <message>
      <source>Search radius, semi-major (empty = the variogram's ratio)</source>
      <translation>搜索半径，次轴（留空 = 按变差函数的比例）</translation>
    </message>
    <message>
      <source>Search radius, minor (empty = the variogram's ratio)</source>
      <translation>搜索半径，短轴（留空 = 按变差函数的比例）</translation>
    </message>
    <message>
      <source>Search azimuth (empty = the variogram's)</source>
      <translation>搜索方位角（留空 = 取变差函数的）</translation>
    </message>
    <message>
      <source>Search dip, positive up (empty = the variogram's)</source>
      <translation>搜索倾角，向上为正（留空 = 取变差函数的）</translation>
    </message>
    <message>
      <source>Search rake (empty = the variogram's)</source>
      <translation>搜索侧伏角（留空 = 取变差函数的）</translation>
    </message>
    <message>
      <source>Minimum samples</source>
      <translation>最少样品数</translation>
    </message>
    <message>
      <source>Maximum samples</source>
      <translation>最多样品数</translation>
    </message>
    <message>
      <source>Maximum samples per hole (0 = no cap)</source>
      <translation>每孔最多样品数（0 = 不限）</translation>
    </message>
    <message>
      <source>Block size 'dx, dy, dz' (empty = point)</source>
      <translation>块体尺寸 'dx, dy, dz'（为空 = 点估值）</translation>
    </message>
    <message>
      <source>Block discretisation 'nx, ny, nz'</source>
      <translation>块体离散化 'nx, ny, nz'</translation>
    </message>
    <message>
      <source>Kriged points</source>
      <translation>克里金估值点</translation>
    </message>
    <message>
      <source>Kriged raster</source>
      <translation>克里金估值栅格</translation>
    </message>
  </context>
  <context>
    <name>ParseLogsAlgorithm</name>
    <message>
      <source>Parse log descriptions</source>
      <translation>解析地质编录描述</translation>
    </message>
    <message>
      <source>Log intervals</source>
      <translation>编录区间</translation>
    </message>
    <message>
      <source>Description field</source>
      <translation>描述字段</translation>
    </message>
    <message>
      <source>Hole field</source>
      <translation>钻孔字段</translation>
    </message>
    <message>
      <source>From (depth) field</source>
      <translation>起始深度字段（From）</translation>
    </message>
    <message>
      <source>To (depth) field</source>
      <translation>终止深度字段（To）</translation>
    </message>
    <message>
      <source>Vocabulary file extending the default</source>
      <translation>扩展默认词表的词汇文件</translation>
    </message>
    <message>
      <source>Use the transformer</source>
      <translation>使用 Transformer 模型</translation>
    </message>
    <message>
      <source>Transformer cosine similarity threshold</source>
      <translation>Transformer 余弦相似度阈值</translation>
    </message>
    <message>
      <source>Embedding cache folder</source>
      <translation>嵌入向量缓存文件夹</translation>
    </message>
    <message>
      <source>Samples to join onto (optional)</source>
      <translation>要连接编录的样品（可选）</translation>
    </message>
    <message>
      <source>Sample hole field</source>
      <translation>样品钻孔字段</translation>
    </message>
    <message>
      <source>Sample from field</source>
      <translation>样品起始深度字段</translation>
    </message>
    <message>
      <source>Sample to field</source>
      <translation>样品终止深度字段</translation>
    </message>
    <message>
      <source>Parsed logs</source>
      <translation>解析后的编录</translation>
    </message>
  </context>
  <context>
    <name>PCAFusionAlgorithm</name>
    <message>
      <source>PCA fusion of covariates</source>
      <translation>协变量 PCA 融合</translation>
    </message>
    <message>
      <source>Samples or targets</source>
      <translation>样品或目标</translation>
    </message>
    <message>
      <source>Covariate fields (FIT)</source>
      <translation>协变量字段（拟合）</translation>
    </message>
    <message>
      <source>Mode</source>
      <translation>模式</translation>
    </message>
    <message>
      <source>Number of components (0: by variance threshold)</source>
      <translation>主成分数（0：按方差阈值确定）</translation>
    </message>
    <message>
      <source>Explained-variance threshold</source>
      <translation>累计解释方差阈值</translation>
    </message>
    <message>
      <source>Random Fourier features of X, Y, Z</source>
      <translation>X、Y、Z 的随机傅里叶特征</translation>
    </message>
    <message>
      <source>Embedding length scale (map units)</source>
      <translation>嵌入长度尺度（地图单位）</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <source>Fill missing values with the mean</source>
      <translation>用均值填充缺失值</translation>
    </message>
    <message>
      <source>Leave out constant fields (with a warning)</source>
      <translation>剔除常量字段（并给出警告）</translation>
    </message>
    <message>
      <source>Saved transform (APPLY)</source>
      <translation>已保存的变换（应用）</translation>
    </message>
    <message>
      <source>Transform file (FIT)</source>
      <translation>变换文件（拟合）</translation>
    </message>
    <message>
      <source>Layer with PCA components (pc_)</source>
      <translation>含主成分 (pc_) 的图层</translation>
    </message>
  </context>
  <context>
    <name>PredictBNNAlgorithm</name>
    <message>
      <source>Predict with Bayesian neural network</source>
      <translation>贝叶斯神经网络预测</translation>
    </message>
    <message>
      <source>Model file (trainbnn)</source>
      <translation>模型文件（trainbnn）</translation>
    </message>
    <message>
      <source>Target points</source>
      <translation>目标点</translation>
    </message>
    <message>
      <source>Covariate raster (bands named as the features)</source>
      <translation>协变量栅格（波段名与特征名一致）</translation>
    </message>
    <message>
      <source>Cut-offs (comma separated)</source>
      <translation>边界品位（逗号分隔）</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <source>Posterior samples (bnn)</source>
      <translation>后验抽样次数（bnn）</translation>
    </message>
    <message>
      <source>BNN estimates (points)</source>
      <translation>BNN 估值（点）</translation>
    </message>
    <message>
      <source>BNN estimates (raster)</source>
      <translation>BNN 估值（栅格）</translation>
    </message>
  </context>
  <context>
    <name>WorkflowReportAlgorithm</name>
    <message>
      <source>Workflow report</source>
      <translation>工作流报告</translation>
    </message>
    <message>
      <source>Estimated blocks</source>
      <translation>已估值块体</translation>
    </message>
    <message>
      <source>Map: BNN mean TREO %</source>
      <translation>地图：BNN 均值 TREO %</translation>
    </message>
    <message>
      <source>Map: BNN sd TREO %</source>
      <translation>地图：BNN 标准差 TREO %</translation>
    </message>
    <message>
      <source>Map: BNN P(TREO &gt; cut-off)</source>
      <translation>地图：BNN P(TREO &gt; 边界品位)</translation>
    </message>
    <message>
      <source>Map: OK estimate TREO %</source>
      <translation>地图：普通克里金估值 TREO %</translation>
    </message>
    <message>
      <source>Map: MIK E-type mean TREO %</source>
      <translation>地图：MIK E-type 均值 TREO %</translation>
    </message>
    <message>
      <source>Cross-validation table (for the verdict)</source>
      <translation>交叉验证表（用于结论）</translation>
    </message>
    <message>
      <source>Classification rule (shown with the statement)</source>
      <translation>分类规则（随资源声明显示）</translation>
    </message>
    <message>
      <source>Page: Variogram</source>
      <translation>页面：变差函数</translation>
    </message>
    <message>
      <source>Page: Cross-validation (grouped by hole)</source>
      <translation>页面：交叉验证（按钻孔分组）</translation>
    </message>
    <message>
      <source>Page: Grade-tonnage of the block model (BNN bands)</source>
      <translation>页面：块体模型品位-吨位（BNN 不确定性区间）</translation>
    </message>
    <message>
      <source>True block grades (truth_blocks.npz)</source>
      <translation>块体真实品位（truth_blocks.npz）</translation>
    </message>
    <message>
      <source>Cut-off grade</source>
      <translation>边界品位</translation>
    </message>
    <message>
      <source>More cut-offs for the resource statement (e.g. 0.5, 1.5)</source>
      <translation>资源声明的更多边界品位（例如 0.5, 1.5）</translation>
    </message>
    <message>
      <source>Density (t/m3)</source>
      <translation>体重（密度，t/m3）</translation>
    </message>
    <message>
      <source>Bench elevation of the maps</source>
      <translation>地图所在台阶标高</translation>
    </message>
    <message>
      <source>Notes</source>
      <translation>备注</translation>
    </message>
  </context>
  <context>
    <name>SampleFeaturesAlgorithm</name>
    <message>
      <source>Sample raster features at points</source>
      <translation>在点位提取栅格特征值</translation>
    </message>
    <message>
      <source>Points</source>
      <translation>点</translation>
    </message>
    <message>
      <source>Raster</source>
      <translation>栅格</translation>
    </message>
    <message>
      <source>Sampling</source>
      <translation>采样方式</translation>
    </message>
    <message>
      <source>Field name prefix</source>
      <translation>字段名前缀</translation>
    </message>
    <message>
      <source>Points with raster values</source>
      <translation>带栅格值的点</translation>
    </message>
  </context>
  <context>
    <name>SyntheticDepositAlgorithm</name>
    <message>
      <source>Generate synthetic REE deposit</source>
      <translation>生成合成稀土矿床</translation>
    </message>
    <message>
      <source>Preset</source>
      <translation>预设规模</translation>
    </message>
    <message>
      <source>Seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <source>Output folder</source>
      <translation>输出文件夹</translation>
    </message>
  </context>
  <context>
    <name>TargetsAlgorithm</name>
    <message>
      <source>Prediction targets (grid or block model)</source>
      <translation>预测目标（网格或块体模型）</translation>
    </message>
    <message>
      <source>Targets</source>
      <translation>目标</translation>
    </message>
    <message>
      <source>Raster template (2D)</source>
      <translation>栅格模板（二维）</translation>
    </message>
    <message>
      <source>Extent</source>
      <translation>范围</translation>
    </message>
    <message>
      <source>Cell / block size X</source>
      <translation>网格单元 / 块体尺寸 X</translation>
    </message>
    <message>
      <source>Cell / block size Y</source>
      <translation>网格单元 / 块体尺寸 Y</translation>
    </message>
    <message>
      <source>Block size Z</source>
      <translation>块体尺寸 Z</translation>
    </message>
    <message>
      <source>Z minimum (3D)</source>
      <translation>Z 最小值（三维）</translation>
    </message>
    <message>
      <source>Z maximum (3D)</source>
      <translation>Z 最大值（三维）</translation>
    </message>
    <message>
      <source>Clip polygons</source>
      <translation>裁剪多边形</translation>
    </message>
    <message>
      <source>Topography (DEM, 3D)</source>
      <translation>地形（DEM，三维）</translation>
    </message>
    <message>
      <source>Topography sampling</source>
      <translation>地形采样方式</translation>
    </message>
  </context>
  <context>
    <name>TrainBNNAlgorithm</name>
    <message>
      <source>Train Bayesian neural network</source>
      <translation>训练贝叶斯神经网络</translation>
    </message>
    <message>
      <source>Samples</source>
      <translation>样品</translation>
    </message>
    <message>
      <source>Feature fields</source>
      <translation>特征字段</translation>
    </message>
    <message>
      <source>Categorical fields (one-hot encoded)</source>
      <translation>分类字段（独热编码）</translation>
    </message>
    <message>
      <source>Logged domain fields, samples only (stacked; e.g. log_lith)</source>
      <translation>编录域字段，仅样品具有（stacked；例如 log_lith）</translation>
    </message>
    <message>
      <source>Grade field (e.g. TREO_pct)</source>
      <translation>品位字段（如 TREO_pct）</translation>
    </message>
    <message>
      <source>Hole field (validation split by hole)</source>
      <translation>钻孔字段（按钻孔划分验证集）</translation>
    </message>
    <message>
      <source>Method</source>
      <translation>方法</translation>
    </message>
    <message>
      <source>Hidden layer sizes</source>
      <translation>隐藏层大小</translation>
    </message>
    <message>
      <source>Maximum epochs</source>
      <translation>最大训练轮数</translation>
    </message>
    <message>
      <source>Members (ensemble)</source>
      <translation>成员数（集成）</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <source>Early-stopping patience (epochs)</source>
      <translation>早停耐心值（轮数）</translation>
    </message>
    <message>
      <source>Learning rate (Adam)</source>
      <translation>学习率（Adam）</translation>
    </message>
    <message>
      <source>Prior sd of weights (bnn)</source>
      <translation>权重先验标准差（bnn）</translation>
    </message>
    <message>
      <source>KL weight (bnn)</source>
      <translation>KL 权重（bnn）</translation>
    </message>
    <message>
      <source>Weight decay (ensemble; empty = chosen on the held-out holes)</source>
      <translation>权重衰减（集成；留空 = 在留出钻孔上选择）</translation>
    </message>
    <message>
      <source>Validation fraction (whole holes)</source>
      <translation>验证集比例（按整孔划分）</translation>
    </message>
    <message>
      <source>Kriging maximum samples (stacked)</source>
      <translation>克里金最多样品数（stacked）</translation>
    </message>
    <message>
      <source>Kriging maximum samples per hole (stacked; 0 = no cap)</source>
      <translation>克里金每孔最多样品数（stacked；0 = 不限）</translation>
    </message>
    <message>
      <source>Recalibrate the spread on the held-out holes</source>
      <translation>在留出钻孔上重新校准离散度</translation>
    </message>
    <message>
      <source>Model file</source>
      <translation>模型文件</translation>
    </message>
  </context>
  <context>
    <name>TreoAlgorithm</name>
    <message>
      <source>REE oxides and TREO</source>
      <translation>稀土氧化物与稀土氧化物总量（TREO）</translation>
    </message>
    <message>
      <source>Samples with element assays</source>
      <translation>含元素化验结果的样品</translation>
    </message>
    <message>
      <source>Field map (El=field; ...)</source>
      <translation>字段映射（元素=字段; ...）</translation>
    </message>
    <message>
      <source>Element units</source>
      <translation>元素单位</translation>
    </message>
    <message>
      <source>Below detection becomes</source>
      <translation>低于检出限的值处理为</translation>
    </message>
    <message>
      <source>Missing-value codes</source>
      <translation>缺失值代码</translation>
    </message>
    <message>
      <source>Light/heavy split</source>
      <translation>轻 / 重稀土划分</translation>
    </message>
    <message>
      <source>Missing elements</source>
      <translation>缺失元素</translation>
    </message>
    <message>
      <source>Samples with oxides and TREO</source>
      <translation>含氧化物与 TREO 的样品</translation>
    </message>
  </context>
  <context>
    <name>VariogramAlgorithm</name>
    <message>
      <source>Variogram (experimental and fitted model)</source>
      <translation>变差函数（实验变差函数与拟合模型）</translation>
    </message>
    <message>
      <source>Samples (points)</source>
      <translation>样品（点）</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>品位字段</translation>
    </message>
    <message>
      <source>Hole id field (downhole variogram)</source>
      <translation>钻孔编号字段（沿孔变差函数）</translation>
    </message>
    <message>
      <source>Dimension</source>
      <translation>维数</translation>
    </message>
    <message>
      <source>Lag (0 = automatic)</source>
      <translation>滞后距（0 = 自动）</translation>
    </message>
    <message>
      <source>Number of lags</source>
      <translation>滞后数</translation>
    </message>
    <message>
      <source>Lag tolerance (0 = half the lag)</source>
      <translation>滞后距容差（0 = 滞后距的一半）</translation>
    </message>
    <message>
      <source>Directions (empty, 'axes' or 'azimuth/dip; ...')</source>
      <translation>方向（为空、'axes' 或 '方位角/倾角; ...'）</translation>
    </message>
    <message>
      <source>Angular tolerance (degrees)</source>
      <translation>角度容差（度）</translation>
    </message>
    <message>
      <source>Bandwidth (0 = none)</source>
      <translation>带宽（0 = 不限）</translation>
    </message>
    <message>
      <source>Ellipsoid orientation</source>
      <translation>椭球体方向</translation>
    </message>
    <message>
      <source>Ellipsoid azimuth</source>
      <translation>椭球体方位角</translation>
    </message>
    <message>
      <source>Ellipsoid dip (positive up)</source>
      <translation>椭球体倾角（向上为正）</translation>
    </message>
    <message>
      <source>Ellipsoid rake</source>
      <translation>椭球体侧伏角</translation>
    </message>
    <message>
      <source>Structures (comma separated)</source>
      <translation>套合结构（逗号分隔）</translation>
    </message>
    <message>
      <source>Nugget</source>
      <translation>块金值</translation>
    </message>
    <message>
      <source>Fixed nugget value</source>
      <translation>固定块金值</translation>
    </message>
    <message>
      <source>Weighting</source>
      <translation>加权方式</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <source>Variogram model</source>
      <translation>变差函数模型</translation>
    </message>
    <message>
      <source>Variogram plot</source>
      <translation>变差函数图</translation>
    </message>
  </context>
  <context>
    <name>REEGradeMenu</name>
    <message>
      <source>Open REE grade workflow model</source>
      <translation>打开稀土品位估算工作流模型</translation>
    </message>
    <message>
      <source>Documentation</source>
      <translation>文档</translation>
    </message>
    <message>
      <source>Settings…</source>
      <translation>设置…</translation>
    </message>
    <message>
      <source>Variogram panel…</source>
      <translation>变差函数面板…</translation>
    </message>
    <message>
      <source>3D view…</source>
      <translation>三维视图…</translation>
    </message>
    <message>
      <source>Import drillholes…</source>
      <translation>导入钻孔…</translation>
    </message>
  </context>
  <context>
    <name>REEGradeSettings</name>
    <message>
      <source>REE Grade</source>
      <translation>稀土品位（REE Grade）</translation>
    </message>
    <message>
      <source>Default cut-offs</source>
      <translation>默认边界品位</translation>
    </message>
    <message>
      <source>Default random seed</source>
      <translation>默认随机种子</translation>
    </message>
    <message>
      <source>Dask scheduler</source>
      <translation>Dask 调度器</translation>
    </message>
  </context>
  <context>
    <name>REEGradeVariogramPanel</name>
    <message>
      <source>Choose a point layer.</source>
      <translation>请选择点图层。</translation>
    </message>
    <message>
      <source>Choose a grade field.</source>
      <translation>请选择品位字段。</translation>
    </message>
    <message>
      <source>the variogram panel</source>
      <translation>变差函数面板</translation>
    </message>
    <message>
      <source>{0}: field '{1}' is not numeric; choose a numeric grade field.</source>
      <translation>{0}：字段 '{1}' 不是数值型；请选择数值型品位字段。</translation>
    </message>
    <message>
      <source>{0}: {1} samples have a value of '{2}'; a variogram needs at least {3}.</source>
      <translation>{0}：只有 {1} 个样品有 '{2}' 的值；变差函数至少需要 {3} 个。</translation>
    </message>
    <message>
      <source>experimental (size: pairs)</source>
      <translation>实验值（大小：点对数）</translation>
    </message>
    <message>
      <source>sample variance</source>
      <translation>样品方差</translation>
    </message>
    <message>
      <source>model</source>
      <translation>模型</translation>
    </message>
    <message>
      <source>omnidirectional</source>
      <translation>全向</translation>
    </message>
    <message>
      <source>azimuth {0:.1f}, dip {1:.1f}</source>
      <translation>方位角 {0:.1f}，倾角 {1:.1f}</translation>
    </message>
    <message>
      <source>lag distance (m)</source>
      <translation>滞后距 (m)</translation>
    </message>
    <message>
      <source>semivariance</source>
      <translation>半变异值</translation>
    </message>
    <message>
      <source>REE Grade variogram panel</source>
      <translation>REE Grade 变差函数面板</translation>
    </message>
    <message>
      <source>Samples and experimental variograms</source>
      <translation>样品与实验变差函数</translation>
    </message>
    <message>
      <source>automatic</source>
      <translation>自动</translation>
    </message>
    <message>
      <source>Omnidirectional</source>
      <translation>全向</translation>
    </message>
    <message>
      <source>Along the ellipsoid's three axes</source>
      <translation>沿椭球体的三个轴</translation>
    </message>
    <message>
      <source>Omnidirectional and the three axes</source>
      <translation>全向及三个轴</translation>
    </message>
    <message>
      <source>Point layer</source>
      <translation>点图层</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>品位字段</translation>
    </message>
    <message>
      <source>Hole id field (optional)</source>
      <translation>钻孔编号字段（可选）</translation>
    </message>
    <message>
      <source>Lag (m)</source>
      <translation>滞后距 (m)</translation>
    </message>
    <message>
      <source>Number of lags</source>
      <translation>滞后数</translation>
    </message>
    <message>
      <source>Directions</source>
      <translation>方向</translation>
    </message>
    <message>
      <source>Angular tolerance (degrees)</source>
      <translation>角度容差（度）</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <source>Keep the nugget in Fit</source>
      <translation>拟合时保持块金值</translation>
    </message>
    <message>
      <source>Nugget</source>
      <translation>块金值</translation>
    </message>
    <message>
      <source>Azimuth</source>
      <translation>方位角</translation>
    </message>
    <message>
      <source>Dip (positive up)</source>
      <translation>倾角（向上为正）</translation>
    </message>
    <message>
      <source>Rake</source>
      <translation>侧伏角</translation>
    </message>
    <message>
      <source>Angles</source>
      <translation>角度</translation>
    </message>
    <message>
      <source>Structures</source>
      <translation>结构</translation>
    </message>
    <message>
      <source>Type</source>
      <translation>类型</translation>
    </message>
    <message>
      <source>Sill</source>
      <translation>基台值</translation>
    </message>
    <message>
      <source>Major range</source>
      <translation>主轴变程</translation>
    </message>
    <message>
      <source>Semi-major</source>
      <translation>次轴</translation>
    </message>
    <message>
      <source>Minor</source>
      <translation>短轴</translation>
    </message>
    <message>
      <source>Compute</source>
      <translation>计算</translation>
    </message>
    <message>
      <source>Fit</source>
      <translation>拟合</translation>
    </message>
    <message>
      <source>Find anisotropy</source>
      <translation>寻找各向异性</translation>
    </message>
    <message>
      <source>Open…</source>
      <translation>打开…</translation>
    </message>
    <message>
      <source>Save…</source>
      <translation>保存…</translation>
    </message>
    <message>
      <source>The model has {0} structures; the panel shows the first {1}.</source>
      <translation>模型有 {0} 个结构；面板显示前 {1} 个。</translation>
    </message>
    <message>
      <source>The structures have different orientations; the panel uses the first's for all.</source>
      <translation>各结构方向不同；面板对全部结构使用第一个结构的方向。</translation>
    </message>
    <message>
      <source>The curves follow the new angles along the directions computed; Compute draws the experimental variograms along the new axes.</source>
      <translation>曲线按新的角度沿已计算的方向绘制；点击“计算”可沿新的轴绘制实验变差函数。</translation>
    </message>
    <message>
      <source>Cancelled.</source>
      <translation>已取消。</translation>
    </message>
    <message>
      <source>{0}: {1} samples of '{2}' ({3}D), lag {4:.4g} m, sample variance {5:.4g}.</source>
      <translation>{0}：'{2}' 的 {1} 个样品（{3}D），滞后距 {4:.4g} m，样品方差 {5:.4g}。</translation>
    </message>
    <message>
      <source>Computing the experimental variograms…</source>
      <translation>正在计算实验变差函数…</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Compute the experimental variograms first.</source>
      <translation>请先计算实验变差函数。</translation>
    </message>
    <message>
      <source>Fitted: total sill {0:.4g} against a sample variance of {1:.4g}; {2} of {3} starts converged.</source>
      <translation>已拟合：总基台值 {0:.4g}，样品方差 {1:.4g}；{3} 个起点中 {2} 个收敛。</translation>
    </message>
    <message>
      <source>{0}: the points have no varying z; the anisotropy is found in 3D only.</source>
      <translation>{0}：点的 z 值没有变化；各向异性只能在三维中寻找。</translation>
    </message>
    <message>
      <source>Finding the anisotropy…</source>
      <translation>正在寻找各向异性…</translation>
    </message>
    <message>
      <source>Saved {0}</source>
      <translation>已保存 {0}</translation>
    </message>
    <message>
      <source>Opened {0}: {1}</source>
      <translation>已打开 {0}：{1}</translation>
    </message>
    <message>
      <source>Save variogram model</source>
      <translation>保存变差函数模型</translation>
    </message>
    <message>
      <source>JSON files (*.json)</source>
      <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
      <source>Open variogram model</source>
      <translation>打开变差函数模型</translation>
    </message>
  </context>
  <context>
    <name>REEGradeView3D</name>
    <message>
      <source>Layer {0}: field {1} has no numeric value to colour by</source>
      <translation>图层 {0}：字段 {1} 没有可用于着色的数值</translation>
    </message>
    <message>
      <source>Layer {0}: points expected (desurveyed samples, composites or blocks)</source>
      <translation>图层 {0}：应为点图层（测斜后的样品、组合样或块体）</translation>
    </message>
    <message>
      <source>REE Grade 3D view</source>
      <translation>REE Grade 三维视图</translation>
    </message>
    <message>
      <source>Drill samples (points)</source>
      <translation>钻孔样品（点）</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>品位字段</translation>
    </message>
    <message>
      <source>Block model (points)</source>
      <translation>块体模型（点）</translation>
    </message>
    <message>
      <source>Colour blocks by</source>
      <translation>块体着色字段</translation>
    </message>
    <message>
      <source>Block size</source>
      <translation>块体大小</translation>
    </message>
    <message>
      <source>Vertical exaggeration</source>
      <translation>垂直夸大</translation>
    </message>
    <message>
      <source>Camera pitch (°)</source>
      <translation>相机俯仰角（°）</translation>
    </message>
    <message>
      <source>Camera heading (°)</source>
      <translation>相机方位角（°）</translation>
    </message>
    <message>
      <source>Render</source>
      <translation>渲染</translation>
    </message>
    <message>
      <source>Choose the drill samples layer and its grade field.</source>
      <translation>请选择钻孔样品图层及其品位字段。</translation>
    </message>
    <message>
      <source>Choose the field to colour the blocks by.</source>
      <translation>请选择用于块体着色的字段。</translation>
    </message>
    <message>
      <source>Samples</source>
      <translation>样品</translation>
    </message>
    <message>
      <source>Blocks</source>
      <translation>块体</translation>
    </message>
    <message>
      <source>{0}: blue {1:.4g} to red {2:.4g}, {3} quantile classes</source>
      <translation>{0}：蓝色 {1:.4g} 至红色 {2:.4g}，{3} 个分位数分级</translation>
    </message>
  </context>
  <context>
    <name>ImportDialog</name>
    <message>
      <source>Collars</source>
      <translation>孔口</translation>
    </message>
    <message>
      <source>Surveys</source>
      <translation>测斜</translation>
    </message>
    <message>
      <source>Assays</source>
      <translation>化验</translation>
    </message>
    <message>
      <source>Lithology</source>
      <translation>岩性</translation>
    </message>
    <message>
      <source>Hole id</source>
      <translation>钻孔编号</translation>
    </message>
    <message>
      <source>X (easting)</source>
      <translation>X（东坐标）</translation>
    </message>
    <message>
      <source>Y (northing)</source>
      <translation>Y（北坐标）</translation>
    </message>
    <message>
      <source>Elevation</source>
      <translation>高程</translation>
    </message>
    <message>
      <source>Total depth</source>
      <translation>终孔深度</translation>
    </message>
    <message>
      <source>Survey depth</source>
      <translation>测斜深度</translation>
    </message>
    <message>
      <source>Azimuth</source>
      <translation>方位角</translation>
    </message>
    <message>
      <source>Dip</source>
      <translation>倾角</translation>
    </message>
    <message>
      <source>From</source>
      <translation>起始深度</translation>
    </message>
    <message>
      <source>To</source>
      <translation>终止深度</translation>
    </message>
    <message>
      <source>Duplicate hole ids</source>
      <translation>重复的钻孔编号</translation>
    </message>
    <message>
      <source>Missing or unreadable values</source>
      <translation>缺失或无法读取的值</translation>
    </message>
    <message>
      <source>Text in number columns</source>
      <translation>数值列中的文本</translation>
    </message>
    <message>
      <source>From not above to</source>
      <translation>起始深度不小于终止深度</translation>
    </message>
    <message>
      <source>Holes without collar</source>
      <translation>无孔口的钻孔</translation>
    </message>
    <message>
      <source>Overlapping intervals</source>
      <translation>重叠区间</translation>
    </message>
    <message>
      <source>Gaps between intervals</source>
      <translation>区间之间的空缺</translation>
    </message>
    <message>
      <source>Beyond the hole's depth</source>
      <translation>超出钻孔深度</translation>
    </message>
    <message>
      <source>Dips out of range</source>
      <translation>倾角超出范围</translation>
    </message>
    <message>
      <source>Repeated rows</source>
      <translation>重复行</translation>
    </message>
    <message>
      <source>Refuse (fix the file)</source>
      <translation>拒绝（修改文件）</translation>
    </message>
    <message>
      <source>Keep the first</source>
      <translation>保留第一个</translation>
    </message>
    <message>
      <source>Drop the row</source>
      <translation>删除该行</translation>
    </message>
    <message>
      <source>Set to NULL</source>
      <translation>设为 NULL</translation>
    </message>
    <message>
      <source>Truncate the deeper interval</source>
      <translation>截短较深的区间</translation>
    </message>
    <message>
      <source>Keep both</source>
      <translation>两者都保留</translation>
    </message>
    <message>
      <source>Accept</source>
      <translation>接受</translation>
    </message>
    <message>
      <source>Drop the later row</source>
      <translation>删除后出现的行</translation>
    </message>
    <message>
      <source>Warning: {0}</source>
      <translation>警告：{0}</translation>
    </message>
    <message>
      <source>Error: {0}</source>
      <translation>错误：{0}</translation>
    </message>
    <message>
      <source>Import drillholes</source>
      <translation>导入钻孔</translation>
    </message>
    <message>
      <source>Tables</source>
      <translation>表格</translation>
    </message>
    <message>
      <source>Column mapping</source>
      <translation>列映射</translation>
    </message>
    <message>
      <source>Validation</source>
      <translation>校验</translation>
    </message>
    <message>
      <source>Tables (CSV, GeoPackage, Excel)</source>
      <translation>表格（CSV、GeoPackage、Excel）</translation>
    </message>
    <message>
      <source>Tables (*.csv *.txt *.gpkg *.xlsx *.xls *.ods *.shp *.dbf);;All files (*)</source>
      <translation>表格 (*.csv *.txt *.gpkg *.xlsx *.xls *.ods *.shp *.dbf);;所有文件 (*)</translation>
    </message>
    <message>
      <source>Collar CRS</source>
      <translation>孔口坐标参考系</translation>
    </message>
    <message>
      <source>Grade columns (composited)</source>
      <translation>品位列（参与组合）</translation>
    </message>
    <message>
      <source>* required. Guessed by name as Desurvey drillholes does; choose another column where the guess is wrong.</source>
      <translation>* 必填。按名称推测，与“钻孔测斜计算”相同；推测有误时请选择其他列。</translation>
    </message>
    <message>
      <source>Fix per kind of problem</source>
      <translation>按问题类型的处理方式</translation>
    </message>
    <message>
      <source>Dip negative downwards</source>
      <translation>倾角向下为负</translation>
    </message>
    <message>
      <source>Dip positive downwards</source>
      <translation>倾角向下为正</translation>
    </message>
    <message>
      <source>Composite to</source>
      <translation>组合长度</translation>
    </message>
    <message>
      <source>within lithology</source>
      <translation>按岩性分段</translation>
    </message>
    <message>
      <source>Import</source>
      <translation>导入</translation>
    </message>
    <message>
      <source>{0}: could not read {1}</source>
      <translation>{0}：无法读取 {1}</translation>
    </message>
    <message>
      <source>Table</source>
      <translation>表</translation>
    </message>
    <message>
      <source>Row</source>
      <translation>行</translation>
    </message>
    <message>
      <source>Hole</source>
      <translation>钻孔</translation>
    </message>
    <message>
      <source>Column</source>
      <translation>列</translation>
    </message>
    <message>
      <source>Problem</source>
      <translation>问题</translation>
    </message>
    <message>
      <source>Fix</source>
      <translation>处理</translation>
    </message>
    <message>
      <source>Detail</source>
      <translation>详情</translation>
    </message>
    <message>
      <source>{0} problem(s) in {1} table(s); {2} refused: change their fix or correct the files.</source>
      <translation>{1} 个表中有 {0} 个问题；{2} 个被拒绝：请更改其处理方式或修改文件。</translation>
    </message>
    <message>
      <source>{0} problem(s) in {1} table(s); each is fixed as chosen above.</source>
      <translation>{1} 个表中有 {0} 个问题；每个都按上面的选择处理。</translation>
    </message>
    <message>
      <source>Desurveyed intervals</source>
      <translation>测斜计算后的区间</translation>
    </message>
    <message>
      <source>Composites</source>
      <translation>组合样</translation>
    </message>
    <message>
      <source>collars</source>
      <translation>孔口</translation>
    </message>
    <message>
      <source>assays</source>
      <translation>化验</translation>
    </message>
    <message>
      <source>surveys</source>
      <translation>测斜</translation>
    </message>
  </context>
</TS>
