<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>REEGradeProvider</name>
    <message>
      <source>REE Grade Estimation</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>REEGradeAlgorithm</name>
    <message>
      <source>Data preparation</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Features</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Estimation</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Validation</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>BoxCoxAlgorithm</name>
    <message>
      <source>Box-Cox transform</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Input layer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Fields to transform</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Shift added before the transform</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Automatic shift for fields with zeros</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Negative numbers are below-detection results (-0.5 means &lt;0.5)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Saved parameter file (apply instead of fitting)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Inverse (back-transform bc_ fields)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Parameter file</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Transformed</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>ClassifyAlgorithm</name>
    <message>
      <source>Classify resources (Measured / Indicated / Inferred)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Estimated blocks</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Estimate (mean) field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Uncertainty field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Uncertainty field is</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Drillhole samples</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Hole id field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Distinct drillholes for spacing</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Measured: maximum sd / mean</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Indicated: maximum sd / mean</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Measured: maximum spacing</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Indicated: maximum spacing</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Inferred: maximum spacing</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Classified blocks</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>CompositeAlgorithm</name>
    <message>
      <source>Composite drillhole samples</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Samples (desurveyed points or intervals)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Hole id field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>From field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>To field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Domain field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Fields to composite (all numeric when empty)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Composite length (m)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Residual end piece</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Residual threshold (% of length)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Minimum coverage (%)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Below detection becomes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Missing-value codes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Composites</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>CrossValidateAlgorithm</name>
    <message>
      <source>Cross-validate estimators</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Samples (points)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Grade field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Covariate fields</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Hole id field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Methods</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Folds</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Scheme</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cut-offs (comma separated)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Random seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>BNN / ensemble maximum epochs</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Ensemble members</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Kriging maximum samples</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>GP optimiser iterations</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cross-validation table</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cross-validation report</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>DesurveyAlgorithm</name>
    <message>
      <source>Desurvey drillholes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Collars (points or table)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Collar hole id field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Collar x field (tables)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Collar y field (tables)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Collar elevation field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Collar azimuth field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Collar dip field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Collar total depth field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Collar CRS (for a table)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Downhole surveys</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Survey hole id field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Survey depth field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Survey azimuth field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Survey dip field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Intervals (assays)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Interval hole id field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>From field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>To field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Dip convention</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Overlapping intervals</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Below detection becomes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Missing-value codes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Desurveyed intervals</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>GeologyFeaturesAlgorithm</name>
    <message>
      <source>Geology map features</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Geology polygons</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Unit field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Fault lines</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Saved unit list (to match the samples' fields)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Unit list</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Points with geology</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>GaussianProcessAlgorithm</name>
    <message>
      <source>Gaussian process (baseline)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Samples</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Grade field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Covariate fields</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Model log-grade</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Target points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Raster template</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Exact GP up to n samples</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Inducing points (sparse GP)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Optimiser iterations</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Random seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cut-offs (comma separated)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>GP estimates (points)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>GP estimates (raster)</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>GradeTonnageAlgorithm</name>
    <message>
      <source>Grade-tonnage curves</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Block model</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Grade estimate fields</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Grade unit</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Block volume field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Block volume (m3) when no field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Density field (t/m3)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Density (t/m3) when no field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>First cut-off</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Last cut-off</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cut-off step</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>BNN model for uncertainty bands</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Posterior realisations</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Random seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Grade-tonnage table</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Grade-tonnage plot</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>HyperScoreAlgorithm</name>
    <message>
      <source>HyperScore</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Estimated targets</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>V source</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Probability field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Mean (estimate) field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Spread field (sd or variance)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Spread is</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cut-off grade</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>beta</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>gamma</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>kappa</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>HyperspectralFeaturesAlgorithm</name>
    <message>
      <source>Hyperspectral absorption features</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Reflectance cube</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Band wavelengths (comma list or text file; empty: from the file)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Band table (JSON or CSV; empty: the bundled one)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Memory budget per window (MB)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Absorption features</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>KNNImputeAlgorithm</name>
    <message>
      <source>k-NN imputation (spatial and feature distance)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Samples or targets</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Fields to impute</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Negative numbers are below-detection results (-0.5 means &lt;0.5)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Number of donors (K)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Spatial weight (0 = features only, 1 = distance only)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Spatial scale (0 = automatic)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Donor weighting</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Saved reference (impute from it)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Save reference</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Imputed</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>MultipleIndicatorKrigingAlgorithm</name>
    <message>
      <source>Multiple indicator kriging</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Samples (points)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Grade field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Hole id field (for max per hole)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Mode</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Thresholds (empty = declustered deciles)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Upper-tail cut-offs added to the deciles</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Indicator variogram (median IK, optional)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Target points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Raster template</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Template elevation (3D kriging)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search radius, major (0 = unlimited)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search radius, semi-major</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search radius, minor</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search azimuth</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search dip (positive up)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search rake</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Minimum samples</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Maximum samples</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Maximum samples per hole (0 = no cap)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Block size 'dx, dy, dz' (empty = point)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Block discretisation 'nx, ny, nz'</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Minimum grade zmin</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Maximum grade zmax (empty = data maximum)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Lower tail</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Lower tail omega</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Middle classes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Middle classes omega</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Upper tail</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Upper tail omega</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cut-offs for P(grade &gt; cut-off)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Random seed (variogram fits)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>MIK points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>MIK raster</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>OrdinaryKrigingAlgorithm</name>
    <message>
      <source>Ordinary kriging</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Samples (points)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Grade field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Hole id field (for max per hole)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Variogram model</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Target points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Raster template</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Template elevation (3D kriging)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search radius, major (0 = unlimited)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search radius, semi-major</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search radius, minor</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search azimuth</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search dip (positive up)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search rake</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Minimum samples</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Maximum samples</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Maximum samples per hole (0 = no cap)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Block size 'dx, dy, dz' (empty = point)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Block discretisation 'nx, ny, nz'</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Kriged points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Kriged raster</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>ParseLogsAlgorithm</name>
    <message>
      <source>Parse log descriptions</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Log intervals</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Description field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Hole field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>From (depth) field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>To (depth) field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Vocabulary file extending the default</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Use the transformer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Transformer cosine similarity threshold</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Embedding cache folder</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Samples to join onto (optional)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Sample hole field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Sample from field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Sample to field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Parsed logs</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>PCAFusionAlgorithm</name>
    <message>
      <source>PCA fusion of covariates</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Samples or targets</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Covariate fields (FIT)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Mode</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Number of components (0: by variance threshold)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Explained-variance threshold</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Random Fourier features of X, Y, Z</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Embedding length scale (map units)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Random seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Fill missing values with the mean</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Leave out constant fields (with a warning)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Saved transform (APPLY)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Transform file (FIT)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>With components</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>PredictBNNAlgorithm</name>
    <message>
      <source>Predict with Bayesian neural network</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Model file (trainbnn)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Target points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Covariate raster (bands named as the features)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Posterior samples (bnn)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cut-offs (comma separated)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Random seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>BNN estimates (points)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>BNN estimates (raster)</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>SampleFeaturesAlgorithm</name>
    <message>
      <source>Sample raster features at points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Raster</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Sampling</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Field name prefix</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Points with raster values</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>SyntheticDepositAlgorithm</name>
    <message>
      <source>Generate synthetic REE deposit</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Preset</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Output folder</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>TargetsAlgorithm</name>
    <message>
      <source>Prediction targets (grid or block model)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Targets</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Raster template (2D)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Extent</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cell / block size X</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cell / block size Y</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Block size Z</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Z minimum (3D)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Z maximum (3D)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Clip polygons</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Topography (DEM, 3D)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Topography sampling</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>TrainBNNAlgorithm</name>
    <message>
      <source>Train Bayesian neural network</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Samples</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Feature fields</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Grade field (e.g. TREO_pct)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Hole field (validation split by hole)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Method</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Hidden layer sizes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Maximum epochs</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Early-stopping patience (epochs)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Learning rate (Adam)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Prior sd of weights (bnn)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>KL weight (bnn)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Members (ensemble)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Validation fraction (whole holes)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Recalibrate the spread on the held-out holes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Random seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Model file</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>TreoAlgorithm</name>
    <message>
      <source>REE oxides and TREO</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Samples with element assays</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Field map (El=field; ...)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Element units</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Below detection becomes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Missing-value codes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Light/heavy split</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Allow partial sums (adds TREO_n)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Samples with oxides and TREO</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>VariogramAlgorithm</name>
    <message>
      <source>Variogram (experimental and fitted model)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Samples (points)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Grade field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Dimension</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Lag (0 = automatic)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Number of lags</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Lag tolerance (0 = half the lag)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Directions (empty, 'axes' or 'azimuth/dip; ...')</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Angular tolerance (degrees)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Bandwidth (0 = none)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Ellipsoid azimuth</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Ellipsoid dip (positive up)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Ellipsoid rake</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Structures (comma separated)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Nugget</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Fixed nugget value</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Weighting</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Random seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Variogram model</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Variogram plot</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>REEGradeMenu</name>
    <message>
      <source>Open REE grade workflow model</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Documentation</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Settings…</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>REEGradeSettings</name>
    <message>
      <source>REE Grade</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Default cut-offs</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Default random seed</source>
      <translation type="unfinished" />
    </message>
  </context>
</TS>
